import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

// Words people leave in keys copied from examples; production refuses them,
// and keys with too few distinct characters ('aaaa…', 'changemechangeme…').
const PLACEHOLDER_WORDS = ['changeme', 'change-me', 'change_me', 'replace', 'example', 'placeholder', 'password', 'your-', 'secret-key'];
const MINIMUM_SECRET_KEY_LENGTH = 32;
const MINIMUM_DISTINCT_CHARACTERS = 12;

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
    readonly refreshTokenTtlSeconds = 14 * 24 * 3600,
    readonly idTokenTtlSeconds = 3600,
    readonly authorizationCodeTtlSeconds = 60,
    readonly deviceCodeTtlSeconds = 600,
    readonly sessionTtlSeconds = 14 * 24 * 3600,
    readonly grantTtlSeconds = 30 * 24 * 3600,
  ) {}
}

/** Scheduled maintenance and limits. 0 turns a schedule or limit off. */
export class OperationsConfig {
  constructor(
    readonly keyRotationIntervalSeconds: number,
    readonly tokenPurgeIntervalSeconds: number,
    /** Token requests per minute per client (per client address when unauthenticated). */
    readonly tokenRateLimitPerMinute: number,
  ) {}
}

export const TENANT_PLACEMENT_VALUES = ['isolated', 'pooled'] as const;

/** How tenants are placed and maintained. */
export class TenancyConfig {
  constructor(
    /** Placement of a tenant created without one. */
    readonly defaultPlacement: (typeof TENANT_PLACEMENT_VALUES)[number] = 'isolated',
    /** Tenant schemas migrated at once (each holds one pooled connection). */
    readonly migrationConcurrency = 4,
    /**
     * How long a moved tenant's old copy is kept before removal: longer than
     * any instance may route by a cached placement (10 s), so a read that
     * raced the switch still finds its data.
     */
    readonly moveGraceSeconds = 12,
  ) {}
}

export class AppConfig {
  constructor(
    readonly server: ServerConfig,
    readonly database: DatabaseConfig,
    readonly security: SecurityConfig,
    readonly tokens: TokenConfig,
    readonly operations: OperationsConfig,
    readonly logLevel: LogLevel,
    readonly tenancy: TenancyConfig = new TenancyConfig(),
  ) {}
}

type Environment = Record<string, string | undefined>;

function readInteger(env: Environment, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function readPublicUrl(env: Environment, port: number): string {
  const raw = env.PUBLIC_URL || `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`PUBLIC_URL must use http or https, got "${url.protocol}"`);
  }
  if (url.search || url.hash) throw new ConfigError('PUBLIC_URL must not carry a query or fragment');
  return url.href.replace(/\/+$/, '');
}

function readSecretKey(env: Environment, production: boolean, dataDir: string): SecurityConfig {
  const provided = env.SECRET_KEY;
  if (provided !== undefined && provided !== '') {
    if (provided.length < MINIMUM_SECRET_KEY_LENGTH) {
      throw new ConfigError(`SECRET_KEY must be at least ${MINIMUM_SECRET_KEY_LENGTH} characters`);
    }
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
  const production = env.NODE_ENV === 'production';
  const port = readInteger(env, 'PORT', 3000, 0, 65535);
  const publicUrl = readPublicUrl(env, port);
  const dataDir = resolve(env.DATA_DIR || './.data');
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgresql:// connection string');
  }
  return new AppConfig(
    new ServerConfig(port, publicUrl, production, env.TRUST_PROXY === 'true'),
    new DatabaseConfig(databaseUrl, dataDir, readInteger(env, 'DATABASE_POOL_SIZE', 10, 1, 200)),
    readSecretKey(env, production, dataDir),
    new TokenConfig(
      readInteger(env, 'ACCESS_TOKEN_TTL', 3600, 60, 86400),
      readInteger(env, 'REFRESH_TOKEN_TTL', 14 * 24 * 3600, 300, 365 * 24 * 3600),
      readInteger(env, 'ID_TOKEN_TTL', 3600, 60, 86400),
      readInteger(env, 'AUTHORIZATION_CODE_TTL', 60, 10, 600),
      readInteger(env, 'DEVICE_CODE_TTL', 600, 60, 3600),
      readInteger(env, 'SESSION_TTL', 14 * 24 * 3600, 300, 365 * 24 * 3600),
      readInteger(env, 'GRANT_TTL', 30 * 24 * 3600, 300, 365 * 24 * 3600),
    ),
    new OperationsConfig(
      readInteger(env, 'KEY_ROTATION_INTERVAL', 90 * 24 * 3600, 0, 10 * 365 * 24 * 3600),
      readInteger(env, 'TOKEN_PURGE_INTERVAL', 3600, 0, 30 * 24 * 3600),
      readInteger(env, 'TOKEN_RATE_LIMIT', 600, 0, 1_000_000),
    ),
    logLevel,
    readTenancy(env),
  );
}

function readTenancy(env: Environment): TenancyConfig {
  const placement = env.TENANT_PLACEMENT || 'isolated';
  if (!(TENANT_PLACEMENT_VALUES as readonly string[]).includes(placement)) {
    throw new ConfigError(`TENANT_PLACEMENT must be one of ${TENANT_PLACEMENT_VALUES.join(', ')}, got "${placement}"`);
  }
  return new TenancyConfig(
    placement as TenancyConfig['defaultPlacement'],
    readInteger(env, 'TENANT_MIGRATION_CONCURRENCY', 4, 1, 64),
    readInteger(env, 'TENANT_MOVE_GRACE', 12, 0, 3600),
  );
}
