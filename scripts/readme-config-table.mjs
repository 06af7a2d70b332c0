// Rewrites the table under "## Configuration" in README.md from
// src/config/variables.ts (run after `npm run build`; then `npx prettier --write README.md`).
// src/config/variables.spec.ts fails while the two differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderConfigurationTable } from '../dist/config/variables.js';

const readme = readFileSync('README.md', 'utf8').split('\n');
const heading = readme.indexOf('## Configuration');
const first = readme.findIndex((line, index) => index > heading && line.startsWith('|'));
let end = first;
while (readme[end]?.startsWith('|')) end += 1;
readme.splice(first, end - first, ...renderConfigurationTable().split('\n'));
writeFileSync('README.md', readme.join('\n'));
