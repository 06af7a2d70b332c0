import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../infra/project-paths.js';
import { loadConfig } from './app-config.js';
import { readVariables, type Environment } from './read-variables.js';
import { CONFIGURATION_VARIABLES, humanDuration, renderConfigurationTable, type Variable } from './variables.js';

const KEY = 'a-secret-key-that-is-long-enough-to-pass-0123';
const declaredNames = Object.keys(CONFIGURATION_VARIABLES);

/** The first markdown table between `heading` and the next level-2 heading. */
function tableUnder(heading: string, markdown: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`README.md has no "${heading}" heading`);
  const next = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  const section = lines.slice(start + 1, next === -1 ? undefined : next);
  const table = section.slice(section.findIndex((line) => line.startsWith('|')));
  const end = table.findIndex((line) => !line.startsWith('|'));
  return table.slice(0, end === -1 ? undefined : end).join('\n');
}

/** A markdown table's cells, row by row, without the padding a formatter adds or the separator row. */
function cells(table: string): string[][] {
  return table
    .split('\n')
    .filter((row) => !/^\|[\s:|-]+\|$/.test(row))
    .map((row) =>
      row
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

describe(renderConfigurationTable.name, () => {
  it('is the table under "## Configuration" in README.md, cell for cell', () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    expect(cells(tableUnder('## Configuration', readme))).toEqual(cells(renderConfigurationTable()));
  });

  it('renders one row per declared variable, in declaration order', () => {
    const rows = renderConfigurationTable().split('\n').slice(2);
    expect(rows.map((row) => /^\| `(\w+)` \|/.exec(row)?.[1])).toEqual(declaredNames);
  });

  it('shows lifetimes both as the seconds to set and in human units', () => {
    expect(renderConfigurationTable()).toContain('| `1209600` (14 days) |');
  });
});

describe(loadConfig.name, () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tenantry-variables-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  function recordingEnvironment(values: Environment): { env: Environment; read: Set<string> } {
    const read = new Set<string>();
    const env = new Proxy(values, {
      get(target, key, receiver) {
        if (typeof key === 'string') read.add(key);
        return Reflect.get(target, key, receiver) as unknown;
      },
      has(target, key) {
        if (typeof key === 'string') read.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        // Enumerating the environment would let undeclared names in unseen.
        read.add('(every name)');
        return Reflect.ownKeys(target);
      },
    });
    return { env, read };
  }

  it('reads no environment variable that the table does not declare', () => {
    const { env, read } = recordingEnvironment({ DATA_DIR: dataDir, SECRET_KEY: KEY });
    loadConfig(env);
    expect([...read].filter((name) => !declaredNames.includes(name))).toEqual([]);
  });

  it('reads every variable the table declares', () => {
    const { env, read } = recordingEnvironment({ DATA_DIR: dataDir, SECRET_KEY: KEY });
    loadConfig(env);
    expect(declaredNames.filter((name) => !read.has(name))).toEqual([]);
  });
});

describe(readVariables.name, () => {
  it('accepts each declared default when it is set explicitly, with the same result as unset', () => {
    const variables: [string, Variable][] = Object.entries(CONFIGURATION_VARIABLES);
    const explicit = Object.fromEntries(
      variables.flatMap(([name, variable]) =>
        'default' in variable && !String(variable.default).includes('${') ? [[name, String(variable.default)]] : [],
      ),
    );
    expect(Object.keys(explicit)).toContain('ACCESS_TOKEN_TTL');
    expect(readVariables(explicit)).toEqual(readVariables({}));
  });

  it('fills a default that names an earlier variable with its value', () => {
    expect(readVariables({ PORT: '4321' }).PUBLIC_URL).toBe('http://localhost:4321');
  });

  it('treats an empty value as unset', () => {
    expect(readVariables({ PORT: '', LOG_LEVEL: '', TRUST_PROXY: '' })).toEqual(readVariables({}));
  });

  it.each([
    ['TRUST_PROXY', 'yes', /TRUST_PROXY must be true or false, got "yes"/],
    ['TENANT_PLACEMENT', 'shared', /TENANT_PLACEMENT must be one of isolated, pooled/],
    ['ACCESS_TOKEN_TTL', '59', /ACCESS_TOKEN_TTL must be between 60 and 86400, got 59/],
    ['SECRET_KEY', 'short', /SECRET_KEY must be at least 32 characters/],
  ])('refuses %s=%s with a message naming it', (name, value, message) => {
    expect(() => readVariables({ [name]: value })).toThrow(message);
  });
});

describe(humanDuration.name, () => {
  it.each([
    [1_209_600, '14 days'],
    [86_400, '1 day'],
    [3600, '1 h'],
    [600, '10 min'],
    [90, undefined],
    [12, undefined],
  ])('renders %i seconds as %s', (seconds, text) => {
    expect(humanDuration(seconds)).toBe(text);
  });
});
