// Every environment variable the service reads, declared once: the parser
// (read-variables.ts) takes kinds, ranges and defaults from here, and the
// README's configuration table is rendered from here (variables.spec.ts
// fails when the two differ).

interface Described {
  /** README text: what the variable is for. Ranges, accepted values and defaults are rendered from the other fields. */
  readonly meaning: string;
}

export interface IntegerVariable extends Described {
  readonly kind: 'integer';
  readonly min: number;
  readonly max: number;
  readonly unit?: 'seconds';
  /** What 0 does, for variables where 0 turns something off. */
  readonly zeroMeans?: string;
  readonly default: number;
}

export interface EnumVariable extends Described {
  readonly kind: 'enum';
  readonly values: readonly string[];
  readonly default: string;
}

export interface BooleanVariable extends Described {
  readonly kind: 'boolean';
  readonly default: boolean;
}

/** True when set to `on`; any other value (tools set NODE_ENV=test, development, ...) is false. */
export interface SwitchVariable extends Described {
  readonly kind: 'switch';
  readonly on: string;
  readonly whenUnset: string;
}

export interface UrlVariable extends Described {
  readonly kind: 'url';
  readonly schemes: readonly string[];
  /** May name variables declared before it, as `${PORT}`. */
  readonly default: string;
}

export interface ConnectionStringVariable extends Described {
  readonly kind: 'connection-string';
  readonly schemes: readonly string[];
  /** No default value: unset means something else happens, said here. */
  readonly whenUnset: string;
}

/** Resolved against the working directory. */
export interface PathVariable extends Described {
  readonly kind: 'path';
  readonly default: string;
}

export interface SecretVariable extends Described {
  readonly kind: 'secret';
  readonly minLength: number;
  readonly whenUnset: string;
}

export type Variable =
  | IntegerVariable
  | EnumVariable
  | BooleanVariable
  | SwitchVariable
  | UrlVariable
  | ConnectionStringVariable
  | PathVariable
  | SecretVariable;

const DAY = 24 * 3600;

export const CONFIGURATION_VARIABLES = {
  PORT: { kind: 'integer', meaning: 'HTTP port', min: 0, max: 65535, default: 3000 },
  PUBLIC_URL: {
    kind: 'url',
    meaning: 'external base URL; the issuer is `${PUBLIC_URL}/oidc`, the API audience `${PUBLIC_URL}/api`',
    schemes: ['http', 'https'],
    default: 'http://localhost:${PORT}',
  },
  DATABASE_URL: {
    kind: 'connection-string',
    meaning: 'PostgreSQL connection string',
    schemes: ['postgresql', 'postgres'],
    whenUnset: 'embedded PGlite under `DATA_DIR`',
  },
  DATA_DIR: { kind: 'path', meaning: 'embedded database files and generated development secrets', default: './.data' },
  SECRET_KEY: {
    kind: 'secret',
    meaning:
      'encrypts signing keys and cookie keys at rest (AES-256-GCM, HKDF-derived); required when `NODE_ENV=production`, where placeholder-looking values are refused',
    minLength: 32,
    whenUnset: 'generated into `DATA_DIR/secret-key` in development',
  },
  NODE_ENV: {
    kind: 'switch',
    meaning: 'production switch: `SECRET_KEY` must then be set and must not look like a placeholder',
    on: 'production',
    whenUnset: 'development',
  },
  LOG_LEVEL: {
    kind: 'enum',
    meaning: 'pino level',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
  },
  ACCESS_TOKEN_TTL: { kind: 'integer', meaning: 'access token lifetime', unit: 'seconds', min: 60, max: DAY, default: 3600 },
  REFRESH_TOKEN_TTL: { kind: 'integer', meaning: 'refresh token lifetime', unit: 'seconds', min: 300, max: 365 * DAY, default: 14 * DAY },
  ID_TOKEN_TTL: { kind: 'integer', meaning: 'ID token lifetime', unit: 'seconds', min: 60, max: DAY, default: 3600 },
  AUTHORIZATION_CODE_TTL: { kind: 'integer', meaning: 'authorization code lifetime', unit: 'seconds', min: 10, max: 600, default: 60 },
  DEVICE_CODE_TTL: {
    kind: 'integer',
    meaning: 'device code lifetime: how long a device-flow user has to enter the code',
    unit: 'seconds',
    min: 60,
    max: 3600,
    default: 600,
  },
  SESSION_TTL: { kind: 'integer', meaning: 'sign-in session lifetime', unit: 'seconds', min: 300, max: 365 * DAY, default: 14 * DAY },
  GRANT_TTL: {
    kind: 'integer',
    meaning: 'grant lifetime: how long what a user consented to is remembered',
    unit: 'seconds',
    min: 300,
    max: 365 * DAY,
    default: 30 * DAY,
  },
  KEY_ROTATION_INTERVAL: {
    kind: 'integer',
    meaning: 'rotate the signing key when it is older than this',
    unit: 'seconds',
    min: 0,
    max: 10 * 365 * DAY,
    zeroMeans: 'never',
    default: 90 * DAY,
  },
  TOKEN_PURGE_INTERVAL: {
    kind: 'integer',
    meaning: 'remove expired tokens this often',
    unit: 'seconds',
    min: 0,
    max: 30 * DAY,
    zeroMeans: 'never',
    default: 3600,
  },
  TOKEN_RATE_LIMIT: {
    kind: 'integer',
    meaning: "token requests per minute per client (per address without Basic auth), burst of 10 s' worth; `429` beyond",
    min: 0,
    max: 1_000_000,
    zeroMeans: 'no limit',
    default: 600,
  },
  API_KEY_RATE_LIMIT: {
    kind: 'integer',
    meaning:
      "requests per minute of a publishable API key created without `rateLimitPerMinute` (all its browsers together), burst of 10 s' worth; `429` beyond",
    min: 1,
    max: 10_000_000,
    default: 60_000,
  },
  DATABASE_POOL_SIZE: { kind: 'integer', meaning: 'connections in the one pool all Prisma clients share', min: 1, max: 200, default: 10 },
  DATABASE_PREPARED_STATEMENTS: {
    kind: 'boolean',
    meaning:
      "`false` behind a pooler that cannot keep a connection's named prepared statements (PgBouncer in transaction mode before 1.21). On, the control plane's repeated statements are prepared once per connection, sparing the server their parse and plan; the embedded database never uses them",
    default: true,
  },
  TRUST_PROXY: { kind: 'boolean', meaning: '`true` behind a TLS-terminating proxy (honours `X-Forwarded-*`)', default: false },
  SHUTDOWN_TIMEOUT: {
    kind: 'integer',
    meaning:
      'how long a stop (SIGTERM) may take: in-flight requests are answered, later responses close their connection, change streams end with a retry hint; past it the process exits 1',
    unit: 'seconds',
    min: 1,
    max: 600,
    default: 25,
  },
  TENANT_PLACEMENT: {
    kind: 'enum',
    meaning: 'placement of a tenant created without one: `isolated` (own schema) or `pooled` (shared schema under row-level security)',
    values: ['isolated', 'pooled'],
    default: 'isolated',
  },
  TENANT_MIGRATION_CONCURRENCY: {
    kind: 'integer',
    meaning:
      'tenant schemas migrated at once at start and by `cli migrate`, each holding one pooled connection (capped at `DATABASE_POOL_SIZE - 1`)',
    min: 1,
    max: 64,
    default: 4,
  },
  TENANT_CLIENT_CACHE: {
    kind: 'integer',
    meaning:
      'isolated tenants whose Prisma client is kept between requests (~0.35 MB each); the least recently used beyond it is closed and rebuilt (~2.5 ms) on its next request. Pooled tenants share one client',
    min: 1,
    max: 100_000,
    default: 64,
  },
  // The default outlasts the 10 s for which an instance may route by a cached
  // placement, so a read that raced the switch still finds its data.
  TENANT_MOVE_GRACE: {
    kind: 'integer',
    meaning: "how long a moved tenant's old copy is kept before removal; longer than any instance may route by a cached placement",
    unit: 'seconds',
    min: 0,
    max: 3600,
    default: 12,
  },
  METRICS_TOKEN: {
    kind: 'secret',
    meaning:
      'turns on `GET /metrics` (see Metrics) for scrapers sending it as `Authorization: Bearer`; must differ from `SECRET_KEY`; production refuses placeholders',
    minLength: 32,
    whenUnset: '`/metrics` is off (404)',
  },
} as const satisfies Record<string, Variable>;

export type VariableName = keyof typeof CONFIGURATION_VARIABLES;

/** What reading a variable of a kind yields; undefined where unset has no default value. */
type ValueOf<V> = V extends { readonly kind: 'integer' }
  ? number
  : V extends { readonly kind: 'enum'; readonly values: readonly (infer Value)[] }
    ? Value
    : V extends { readonly kind: 'boolean' | 'switch' }
      ? boolean
      : V extends { readonly kind: 'connection-string' | 'secret' }
        ? string | undefined
        : string;

export type ConfigurationValues = { -readonly [Name in VariableName]: ValueOf<(typeof CONFIGURATION_VARIABLES)[Name]> };

const TABLE_HEADER = ['| variable | meaning | accepts | default |', '|---|---|---|---|'];

/** The README's configuration table, one row per variable in declaration order. */
export function renderConfigurationTable(): string {
  const variables: [string, Variable][] = Object.entries(CONFIGURATION_VARIABLES);
  const rows = variables.map(
    ([name, variable]) => `| ${code(name)} | ${variable.meaning} | ${accepted(variable)} | ${shownDefault(variable)} |`,
  );
  return [...TABLE_HEADER, ...rows].join('\n');
}

function accepted(variable: Variable): string {
  switch (variable.kind) {
    case 'integer': {
      const range = `${variable.min}–${variable.max}${variable.unit ? ` ${variable.unit}` : ''}`;
      return variable.zeroMeans ? `${range}; ${code(0)}: ${variable.zeroMeans}` : range;
    }
    case 'enum':
      return variable.values.map(code).join(', ');
    case 'boolean':
      return `${code(true)}, ${code(false)}`;
    case 'switch':
      return `${code(variable.on)}; any other value means ${variable.whenUnset}`;
    case 'url':
      return `absolute ${variable.schemes.map(code).join(' or ')} URL without query or fragment`;
    case 'connection-string':
      return `${code(`${variable.schemes[0]}://…`)} URL`;
    case 'path':
      return 'directory, absolute or relative to the working directory';
    case 'secret':
      return `at least ${variable.minLength} characters`;
  }
}

function shownDefault(variable: Variable): string {
  if ('whenUnset' in variable) return variable.whenUnset;
  if (variable.kind === 'integer' && variable.unit === 'seconds') {
    const human = humanDuration(variable.default);
    return human ? `${code(variable.default)} (${human})` : code(variable.default);
  }
  return code(variable.default);
}

const DURATION_UNITS: [seconds: number, one: string, many: string][] = [
  [DAY, 'day', 'days'],
  [3600, 'h', 'h'],
  [60, 'min', 'min'],
];

/** "14 days", "1 h", "10 min"; undefined under a minute or for a figure no unit divides. */
export function humanDuration(seconds: number): string | undefined {
  const unit = DURATION_UNITS.find(([size]) => seconds >= size && seconds % size === 0);
  if (!unit) return undefined;
  const count = seconds / unit[0];
  return `${count} ${count === 1 ? unit[1] : unit[2]}`;
}

function code(value: string | number | boolean): string {
  return `\`${value}\``;
}
