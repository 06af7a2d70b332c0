import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { calculateJwkThumbprint } from 'jose';
import { ACCESS_TOKEN_ALGORITHM, VerificationKeys } from '../auth/issuer.port.js';
import { SecurityConfig, TokenConfig } from '../config/app-config.js';
import { SecretBox } from '../infra/crypto/secret-box.js';
import { ChangeBus } from '../infra/database/change-bus.service.js';
import { KeysRepository, type KeysTransaction } from './keys.repository.js';
import { LocalSigningKey } from './local-signing-key.js';

/** ES256: compact, fast to verify, and understood by every JOSE library (and what the API accepts). */
export const SIGNING_ALGORITHM = ACCESS_TOKEN_ALGORITHM;
/** The change topic of key rotation (key: the new kid). */
export const SIGNING_KEYS_CHANGED = 'signing-keys';
const CLOCK_SKEW_SECONDS = 60;
// Unknown `kid`s trigger a reload from the database (a key rotated by another
// instance), at most this often, so garbage kids cannot hammer the database.
const RELOAD_INTERVAL_MS = 5_000;

export interface SigningJwk extends JsonWebKey {
  kid: string;
  alg: string;
  use: 'sig';
}

interface LoadedKey {
  kid: string;
  signingKey: LocalSigningKey;
  retired: boolean;
}

/**
 * Signing keys and cookie keys. Private material is stored only sealed with
 * SECRET_KEY. The newest unretired key signs; retired keys stay published
 * until every token they signed has expired.
 */
@Injectable()
export class KeysService implements VerificationKeys {
  private readonly logger = new Logger(KeysService.name);
  private readonly signingBox: SecretBox;
  private readonly cookieBox: SecretBox;
  private loaded = new Map<string, LoadedKey>();
  private lastReload = 0;

  constructor(
    private readonly repository: KeysRepository,
    security: SecurityConfig,
    private readonly tokens: TokenConfig,
    private readonly changes: ChangeBus,
  ) {
    this.signingBox = new SecretBox(security.secretKey, 'signing-key');
    this.cookieBox = new SecretBox(security.secretKey, 'cookie-key');
  }

  /** How long a retired key stays published: the longest lifetime of a token it signed. */
  get retirementSeconds(): number {
    return Math.max(this.tokens.accessTokenTtlSeconds, this.tokens.idTokenTtlSeconds) + CLOCK_SKEW_SECONDS;
  }

  /** Creates the first signing key on an empty database; then loads all usable keys. */
  async ensureSigningKey(): Promise<void> {
    await this.repository.withLock(async (transaction) => {
      const keys = await this.repository.findSigningKeysRetiredAfter(this.retirementCutoff(), transaction);
      if (!keys.some((key) => key.retiredAt === null)) {
        const kid = await this.createSigningKey(transaction);
        this.logger.log(`generated signing key ${kid} (${SIGNING_ALGORITHM}), stored encrypted`);
      }
    });
    await this.reload();
  }

  /** A new key signs from now on; the previous ones are retired but stay published. */
  async rotateSigningKey(): Promise<{ kid: string; retired: number }> {
    const result = await this.repository.withLock(async (transaction) => {
      const kid = await this.createSigningKey(transaction);
      const retired = await this.repository.retireSigningKeysExcept(kid, new Date(), transaction);
      return { kid, retired };
    });
    await this.reload();
    await this.changes.publish({ topic: SIGNING_KEYS_CHANGED, key: result.kid });
    return result;
  }

  /** Rotates when the signing key is older than the interval; safe to call from every instance. */
  async rotateIfOlderThan(intervalSeconds: number): Promise<string | undefined> {
    const rotated = await this.repository.withLock(async (transaction) => {
      const [newest] = await this.repository.findSigningKeysRetiredAfter(this.retirementCutoff(), transaction);
      if (newest && newest.retiredAt === null && Date.now() - newest.createdAt.getTime() < intervalSeconds * 1000) return undefined;
      const kid = await this.createSigningKey(transaction);
      await this.repository.retireSigningKeysExcept(kid, new Date(), transaction);
      return kid;
    });
    if (rotated) {
      await this.reload();
      await this.changes.publish({ topic: SIGNING_KEYS_CHANGED, key: rotated });
    }
    return rotated;
  }

  /** The provider's keys: the signing key first, retired keys after it (verification only). */
  providerJwks(): { keys: LocalSigningKey[] } {
    const keys = [...this.loaded.values()];
    return { keys: [...keys.filter((key) => !key.retired), ...keys.filter((key) => key.retired)].map((key) => key.signingKey) };
  }

  /** VerificationKeys: the public key for a kid, reloading once in a while to learn keys rotated elsewhere. */
  async forKid(kid: string): Promise<KeyObject | undefined> {
    const known = this.loaded.get(kid);
    if (known) return known.signingKey.keyObject();
    if (Date.now() - this.lastReload < RELOAD_INTERVAL_MS) return undefined;
    await this.reload();
    return this.loaded.get(kid)?.signingKey.keyObject();
  }

  async reload(): Promise<void> {
    this.lastReload = Date.now();
    const rows = await this.repository.findSigningKeysRetiredAfter(this.retirementCutoff());
    const loaded = new Map<string, LoadedKey>();
    for (const row of rows) {
      const privateJwk = JSON.parse(this.signingBox.open(row.privateJwkEncrypted)) as SigningJwk;
      const privateKey = createPrivateKey({ key: privateJwk, format: 'jwk' });
      const publicKey = createPublicKey({ key: row.publicJwk as JsonWebKey, format: 'jwk' });
      const signingKey = new LocalSigningKey(row.kid, SIGNING_ALGORITHM, privateKey, publicKey);
      loaded.set(row.kid, { kid: row.kid, signingKey, retired: row.retiredAt !== null });
    }
    this.loaded = loaded;
  }

  /** Keys for oidc-provider's signed cookies, newest first (older ones still verify). */
  async cookieKeys(): Promise<string[]> {
    return this.repository.withLock(async (transaction) => {
      let secrets = await this.repository.findSecrets('cookie', transaction);
      if (secrets.length === 0) {
        const value = this.cookieBox.seal(randomBytes(32).toString('base64url'));
        await this.repository.insertSecret({ id: randomUUID(), purpose: 'cookie', valueEncrypted: value }, transaction);
        secrets = await this.repository.findSecrets('cookie', transaction);
      }
      return secrets.map((secret) => this.cookieBox.open(secret.valueEncrypted));
    });
  }

  async purgeExpiredKeys(): Promise<number> {
    return this.repository.deleteSigningKeysRetiredBefore(this.retirementCutoff());
  }

  private retirementCutoff(): Date {
    return new Date(Date.now() - this.retirementSeconds * 1000);
  }

  private async createSigningKey(transaction: KeysTransaction): Promise<string> {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicJwk = publicKey.export({ format: 'jwk' });
    const kid = await calculateJwkThumbprint(publicJwk as Parameters<typeof calculateJwkThumbprint>[0]);
    const privateJwk: SigningJwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
    await this.repository.insertSigningKey(
      {
        kid,
        alg: SIGNING_ALGORITHM,
        publicJwk: { ...publicJwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' },
        privateJwkEncrypted: this.signingBox.seal(JSON.stringify(privateJwk)),
      },
      transaction,
    );
    return kid;
  }
}
