// The console's stylesheet and script are served as files (no bundler): `npm run build`
// copies them next to the compiled module, so dist/ (and the Docker image) carries them.
import { cpSync } from 'node:fs';

cpSync('src/console/assets', 'dist/console/assets', { recursive: true });
