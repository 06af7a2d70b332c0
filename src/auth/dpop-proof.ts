import { hash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';

/** The proof algorithms the API accepts, and the authorization server too (its enabledJWA reads this). */
export const DPOP_ALGORITHMS = ['ES256', 'EdDSA', 'Ed25519'] as const;
/** How far a proof's iat may be from now, either way (oidc-provider's own window). */
export const DPOP_PROOF_WINDOW_SECONDS = 300;

export class DpopProofRejected extends Error {
  override name = 'DpopProofRejected';
}

export interface CheckedProof {
  /** The JWK thumbprint of the proof's key (RFC 7638): what cnf.jkt must name. */
  jkt: string;
  jti: string;
  iat: number;
}

export interface ProofRequest {
  proof: string;
  method: string;
  /** The URL the client addressed, as this server is known publicly (PUBLIC_URL and the path). */
  url: string;
  accessToken: string;
  now?: number;
}

/** RFC 9449 §4.3: `htu` without query and fragment, compared as URLs. */
function sameTarget(htu: unknown, url: string): boolean {
  if (typeof htu !== 'string') return false;
  const claimed = URL.parse(htu);
  const expected = URL.parse(url);
  if (!claimed || !expected) return false;
  claimed.hash = claimed.search = expected.hash = expected.search = '';
  return claimed.href === expected.href;
}

/**
 * RFC 9449 §4.3 and §7.1: a DPoP proof for a protected resource request.
 * Checks the JWS (typ dpop+jwt, an accepted asymmetric algorithm, signed by
 * the public key in its own header), `htm` and `htu` against this request,
 * `iat` within the window, a `jti`, and `ath`, the hash of the access token
 * it is sent with. Whether the key is the token's and the jti is new is the
 * caller's to check (cnf.jkt, the replay store).
 */
export async function checkDpopProof(request: ProofRequest): Promise<CheckedProof> {
  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(request.proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: [...DPOP_ALGORITHMS] });
  } catch (cause) {
    throw new DpopProofRejected(`the DPoP proof does not verify: ${(cause as Error).message}`);
  }
  const { payload, protectedHeader } = verified;
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256)
    throw new DpopProofRejected('the DPoP proof has no jti');
  if (typeof payload.iat !== 'number') throw new DpopProofRejected('the DPoP proof has no iat');
  const now = request.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - payload.iat) > DPOP_PROOF_WINDOW_SECONDS) throw new DpopProofRejected('the DPoP proof is not recent');
  if (payload.htm !== request.method) throw new DpopProofRejected('the DPoP proof is for another method (htm)');
  if (!sameTarget(payload.htu, request.url)) throw new DpopProofRejected('the DPoP proof is for another URL (htu)');
  if (payload.ath !== hash('sha256', request.accessToken, 'base64url'))
    throw new DpopProofRejected('the DPoP proof is for another access token (ath)');
  return { jkt: await calculateJwkThumbprint(protectedHeader.jwk!), jti: payload.jti, iat: payload.iat };
}
