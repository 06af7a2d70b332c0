import { sign, type KeyObject } from 'node:crypto';
import { ExternalSigningKey } from 'oidc-provider';

/**
 * oidc-provider's experimental external signing interface; the version is
 * pinned so an upgrade that changes it fails at start, not at signing time.
 */
export const EXTERNAL_SIGNING_FEATURE = { enabled: true, ack: 'experimental-01' } as const;

/**
 * A signing key held in this process, handed to oidc-provider through its
 * external signing interface instead of as a private JWK.
 *
 * Signing is the largest single cost of the token endpoint. node:crypto's
 * callback form runs the ECDSA signature as a job on libuv's thread pool, as
 * WebCrypto does, without WebCrypto's per-call key checks and wrapping. It is
 * not signed inline on the event loop: measured on this project's machines,
 * an inline signature costs ~22 µs in a tight loop but 40-60 µs between
 * requests, and the requests around it got slower too (a lean oidc-provider
 * served 3,600-3,850 token requests/s signing inline, 5,700-6,050 on the pool).
 * The output is the same JWS: ECDSA in the IEEE P1363 (r || s) form JWS uses.
 * The private key stays a KeyObject; the provider only ever sees the public one.
 */
export class LocalSigningKey extends ExternalSigningKey {
  constructor(
    private readonly keyId: string,
    private readonly algorithm: 'ES256',
    private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject,
  ) {
    super();
  }

  override get kid(): string {
    return this.keyId;
  }

  override get alg(): string {
    return this.algorithm;
  }

  /** What the provider publishes in its JWKS and verifies its own tokens with. */
  override keyObject(): KeyObject {
    return this.publicKey;
  }

  override sign(data: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      sign('sha256', data, { key: this.privateKey, dsaEncoding: 'ieee-p1363' }, (error, signature) =>
        error ? reject(error) : resolve(signature),
      );
    });
  }
}
