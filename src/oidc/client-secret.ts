import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'tsec_';
const HASH_SCHEME = 'sha256';

/**
 * Client secrets are 256 random bits we generate, so a fast hash is the right
 * tool (no dictionary to resist, and it runs on every token request); user
 * passwords, chosen by people, get a memory-hard hash instead. The prefix lets
 * secret scanners recognise a leaked secret.
 */
export function generateClientSecret(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function hashClientSecret(secret: string): string {
  return `${HASH_SCHEME}$${hash('sha256', secret, 'base64url')}`;
}

// Decoded digests of stored hashes: the check runs on every token request.
const decodedDigests = new Map<string, Buffer | null>();
const DECODED_DIGESTS_MAX = 10_000;

function expectedDigest(storedHash: string): Buffer | null {
  let digest = decodedDigests.get(storedHash);
  if (digest === undefined) {
    const [scheme, encoded] = storedHash.split('$');
    digest = scheme === HASH_SCHEME && encoded ? Buffer.from(encoded, 'base64url') : null;
    if (decodedDigests.size >= DECODED_DIGESTS_MAX) decodedDigests.clear();
    decodedDigests.set(storedHash, digest);
  }
  return digest;
}

export function verifyClientSecret(presented: string, storedHash: string): boolean {
  const expected = expectedDigest(storedHash);
  if (!expected) return false;
  const actual = hash('sha256', presented, 'buffer');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
