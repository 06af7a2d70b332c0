import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config.js';

const KEY = 'a-secret-key-that-is-long-enough-to-pass-0123';

describe(loadConfig.name, () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tenantry-config-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('derives the issuer and API audience from PUBLIC_URL, defaulting to localhost:PORT', () => {
    const config = loadConfig({ PORT: '4000', DATA_DIR: dataDir, SECRET_KEY: KEY });
    expect(config.server.issuer).toBe('http://localhost:4000/oidc');
    expect(config.server.apiAudience).toBe('http://localhost:4000/api');
    expect(loadConfig({ PUBLIC_URL: 'https://auth.example.com/', DATA_DIR: dataDir, SECRET_KEY: KEY }).server.issuer).toBe(
      'https://auth.example.com/oidc',
    );
  });

  it('uses the embedded database when DATABASE_URL is unset', () => {
    expect(loadConfig({ DATA_DIR: dataDir, SECRET_KEY: KEY }).database.url).toBeUndefined();
    expect(loadConfig({ DATA_DIR: dataDir, SECRET_KEY: KEY, DATABASE_URL: 'postgresql://db/x' }).database.url).toBe('postgresql://db/x');
  });

  it('generates a development SECRET_KEY into DATA_DIR once, then reuses it', () => {
    const first = loadConfig({ DATA_DIR: dataDir });
    expect(first.security.secretKeyGenerated).toBe(true);
    expect(readFileSync(join(dataDir, 'secret-key'), 'utf8').trim()).toBe(first.security.secretKey);
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(second.security.secretKeyGenerated).toBe(false);
    expect(second.security.secretKey).toBe(first.security.secretKey);
  });

  it('refuses a truncated development key file instead of running with a weak key', () => {
    loadConfig({ DATA_DIR: dataDir });
    writeFileSync(join(dataDir, 'secret-key'), 'short\n');
    expect(() => loadConfig({ DATA_DIR: dataDir })).toThrow(/shorter than 32/);
  });

  it('requires SECRET_KEY in production and refuses placeholders', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir })).toThrow(/SECRET_KEY is required/);
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, SECRET_KEY: 'changeme'.repeat(5) })).toThrow(/placeholder/);
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, SECRET_KEY: 'x'.repeat(64) })).toThrow(/placeholder/);
    expect(() => loadConfig({ DATA_DIR: dataDir, SECRET_KEY: 'short' })).toThrow(/at least 32/);
    expect(loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, SECRET_KEY: KEY.replace('secret-key', 'k3y') }).server.production).toBe(
      true,
    );
  });

  it('leaves /metrics off without METRICS_TOKEN', () => {
    expect(loadConfig({ DATA_DIR: dataDir, SECRET_KEY: KEY }).metrics.enabled).toBe(false);
  });

  it('turns /metrics on with a METRICS_TOKEN of at least 32 characters', () => {
    const token = 'Zq7vN2pL9xR4tW8yB3mK6cF1hJ5sD0gA';
    expect(loadConfig({ DATA_DIR: dataDir, SECRET_KEY: KEY, METRICS_TOKEN: token }).metrics).toMatchObject({ enabled: true, token });
    expect(() => loadConfig({ DATA_DIR: dataDir, SECRET_KEY: KEY, METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 32/);
    expect(() => loadConfig({ DATA_DIR: dataDir, SECRET_KEY: KEY, METRICS_TOKEN: `${token} with spaces` })).toThrow(
      /METRICS_TOKEN may hold only/,
    );
  });

  it('refuses a placeholder-looking METRICS_TOKEN in production', () => {
    const production = { NODE_ENV: 'production', DATA_DIR: dataDir, SECRET_KEY: KEY.replace('secret-key', 'k3y') };
    expect(() => loadConfig({ ...production, METRICS_TOKEN: 'changeme'.repeat(5) })).toThrow(/METRICS_TOKEN is a placeholder/);
    expect(() => loadConfig({ ...production, METRICS_TOKEN: 'm'.repeat(40) })).toThrow(/METRICS_TOKEN is a placeholder/);
    expect(loadConfig({ ...production, METRICS_TOKEN: 'Zq7vN2pL9xR4tW8yB3mK6cF1hJ5sD0gA' }).metrics.enabled).toBe(true);
  });

  it('refuses SECRET_KEY as METRICS_TOKEN: scrapers must not hold the key that seals the others', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, SECRET_KEY: KEY, METRICS_TOKEN: KEY })).toThrow(
      /METRICS_TOKEN must differ from SECRET_KEY/,
    );
  });

  it.each([
    ['PORT', 'abc', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between/],
    ['PUBLIC_URL', 'not a url', /PUBLIC_URL must be an absolute URL/],
    ['PUBLIC_URL', 'ftp://x', /http or https/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['DATABASE_URL', 'mysql://x', /postgresql/],
  ])('refuses %s=%s at boot', (name, value, message) => {
    expect(() => loadConfig({ DATA_DIR: dataDir, SECRET_KEY: KEY, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir, SECRET_KEY: KEY, [name]: value })).toThrow(message);
  });
});
