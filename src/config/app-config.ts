import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config.errors.js';
import { readVariables, type Environment } from './read-variables.js';
import { CONFIGURATION_VARIABLES } from './variables.js';

export { ConfigError };

export type LogLevel = (typeof CONFIGURATION_VARIABLES.LOG_LEVEL.values)[number];

// Words people leave in keys copied from examples; production refuses them,
// and keys with too few distinct characters ('aaaa…', 'changemechangeme…').
const PLACEHOLDER_WORDS = ['changeme', 'change-me', 'change_me', 'replace', 'example', 'placeholder', 'password', 'your-', 'secret-key'];
const MINIMUM_SECRET_KEY_LENGTH = CONFIGURATION_VARIABLES.SECRET_KEY.minLength;
const MINIMUM_DISTINCT_CHARACTERS = 12;
// RFC 6750 §2.1's b64token: what a scraper can send as `Authorization: Bearer`.
const BEARER_TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

export function looksLikePlaceholder(key: string): boolean {
  const lower = key.toLowerCase();
  return PLACEHOLDER_WORDS.some((word) => lower.includes(word)) || new Set(key).size < MINIMUM_DISTINCT_CHARACTERS;
}

export class ServerConfig {
  constructor(
    readonly port: number,
    readonly publicUrl: string,
    readonly production: boolean,
    readonly trustProxy: boolean,
    /** SIGTERM to exit, at most. */
    readonly shutdownTimeoutSeconds: number,
  ) {}

  get issuer(): string {
    return `${this.publicUrl}/oidc`;
  }

  get apiAudience(): string {
    return `${this.publicUrl}/api`;
  }
}

export class DatabaseConfig {
  constructor(
    /** Undefined means: run the embedded PostgreSQL under dataDir. */
    readonly url: string | undefined,
    readonly dataDir: string,
    readonly poolSize: number,
    /** Whether repeated control-plane statements are sent as named prepared statements (server databases only). */
    readonly preparedStatements: boolean,
  ) {}
}

export class SecurityConfig {
  constructor(
    readonly secretKey: string,
    /** True when the key was generated into DATA_DIR by this start; main logs it. */
    readonly secretKeyGenerated: boolean,
  ) {}
}

/** Lifetimes, in seconds, per kind of artefact. */
export class TokenConfig {
  constructor(
    readonly accessTokenTtlSeconds: number,
    readonly refreshTokenTtlSeconds: number,
    readonly idTokenTtlSeconds: number,
    readonly authorizationCodeTtlSeconds: number,
    readonly deviceCodeTtlSeconds: number,
    readonly sessionTtlSeconds: number,
    readonly grantTtlSeconds: number,
  ) {}
}

/** Scheduled maintenance and limits. 0 turns a schedule or limit off. */
export class OperationsConfig {
  constructor(
    readonly keyRotationIntervalSeconds: number,
    readonly tokenPurgeIntervalSeconds: number,
    /** Token requests per minute per client (per client address when unauthenticated). */
    readonly tokenRateLimitPerMinute: number,
    /** Requests per minute of a publishable API key created without a limit of its own. */
    readonly apiKeyRateLimitPerMinute: number,
  ) {}
}

export const TENANT_PLACEMENT_VALUES = CONFIGURATION_VARIABLES.TENANT_PLACEMENT.values;

/** How tenants are placed and maintained (TENANT_* in variables.ts). */
export class TenancyConfig {
  constructor(
    /** Placement of a tenant created without one. */
    readonly defaultPlacement: (typeof TENANT_PLACEMENT_VALUES)[number],
    readonly migrationConcurrency: number,
    readonly moveGraceSeconds: number,
    /** Isolated tenants' Prisma clients kept open (least recently used beyond). */
    readonly clientCacheSize: number,
  ) {}
}

/** What Prometheus may read (METRICS_TOKEN in variables.ts). */
export class MetricsConfig {
  constructor(
    /** Undefined means: no /metrics at all. */
    readonly token: string | undefined,
  ) {}

  get enabled(): boolean {
    return this.token !== undefined;
  }
}

export class AppConfig {
  constructor(
    readonly server: ServerConfig,
    readonly database: DatabaseConfig,
    readonly security: SecurityConfig,
    readonly tokens: TokenConfig,
    readonly operations: OperationsConfig,
    readonly logLevel: LogLevel,
    readonly tenancy: TenancyConfig,
    readonly metrics: MetricsConfig,
  ) {}
}

/** A provided key arrives length-checked by readVariables. */
function readSecretKey(provided: string | undefined, production: boolean, dataDir: string): SecurityConfig {
  if (provided !== undefined) {
    if (production && looksLikePlaceholder(provided)) {
      throw new ConfigError('SECRET_KEY is a placeholder value; generate one with `openssl rand -base64 48`');
    }
    return new SecurityConfig(provided, false);
  }
  if (production) {
    throw new ConfigError('SECRET_KEY is required when NODE_ENV=production (generate one with `openssl rand -base64 48`)');
  }
  const file = join(dataDir, 'secret-key');
  const existing = readDevelopmentKey(file);
  if (existing) return new SecurityConfig(existing, false);
  mkdirSync(dataDir, { recursive: true });
  // Written whole to a temporary file, then linked into place: a process
  // starting at the same moment (the CLI beside the server) reads a complete
  // key or none, and exactly one generated key wins.
  const generated = randomBytes(48).toString('base64url');
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, `${generated}\n`, { mode: 0o600 });
  try {
    linkSync(temporary, file);
    return new SecurityConfig(generated, true);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = readDevelopmentKey(file);
    if (!winner) throw new ConfigError(`${file} exists but holds no usable key`);
    return new SecurityConfig(winner, false);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * A provided token arrives length-checked by readVariables. Scrapers hold it,
 * so it must not be the key that seals everything else.
 */
function readMetricsToken(provided: string | undefined, production: boolean, secretKey: string): MetricsConfig {
  if (provided === undefined) return new MetricsConfig(undefined);
  if (!BEARER_TOKEN.test(provided)) throw new ConfigError('METRICS_TOKEN may hold only letters, digits and -._~+/ (then = padding)');
  if (provided === secretKey) throw new ConfigError('METRICS_TOKEN must differ from SECRET_KEY');
  if (production && looksLikePlaceholder(provided)) {
    throw new ConfigError('METRICS_TOKEN is a placeholder value; generate one with `openssl rand -base64 32`');
  }
  return new MetricsConfig(provided);
}

function readDevelopmentKey(file: string): string | undefined {
  let key: string;
  try {
    key = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (key.length < MINIMUM_SECRET_KEY_LENGTH) {
    throw new ConfigError(`${file} holds a key shorter than ${MINIMUM_SECRET_KEY_LENGTH} characters; delete it or set SECRET_KEY`);
  }
  return key;
}

export function loadConfig(env: Environment = process.env): AppConfig {
  const values = readVariables(env);
  const security = readSecretKey(values.SECRET_KEY, values.NODE_ENV, values.DATA_DIR);
  return new AppConfig(
    new ServerConfig(values.PORT, values.PUBLIC_URL, values.NODE_ENV, values.TRUST_PROXY, values.SHUTDOWN_TIMEOUT),
    new DatabaseConfig(values.DATABASE_URL, values.DATA_DIR, values.DATABASE_POOL_SIZE, values.DATABASE_PREPARED_STATEMENTS),
    security,
    new TokenConfig(
      values.ACCESS_TOKEN_TTL,
      values.REFRESH_TOKEN_TTL,
      values.ID_TOKEN_TTL,
      values.AUTHORIZATION_CODE_TTL,
      values.DEVICE_CODE_TTL,
      values.SESSION_TTL,
      values.GRANT_TTL,
    ),
    new OperationsConfig(values.KEY_ROTATION_INTERVAL, values.TOKEN_PURGE_INTERVAL, values.TOKEN_RATE_LIMIT, values.API_KEY_RATE_LIMIT),
    values.LOG_LEVEL,
    new TenancyConfig(values.TENANT_PLACEMENT, values.TENANT_MIGRATION_CONCURRENCY, values.TENANT_MOVE_GRACE, values.TENANT_CLIENT_CACHE),
    readMetricsToken(values.METRICS_TOKEN, values.NODE_ENV, security.secretKey),
  );
}
