import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

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
  return `${HASH_SCHEME}$${createHash('sha256').update(secret, 'utf8').digest('base64url')}`;
}

export function verifyClientSecret(presented: string, storedHash: string): boolean {
  const [scheme, digest] = storedHash.split('$');
  if (scheme !== HASH_SCHEME || !digest) return false;
  const expected = Buffer.from(digest, 'base64url');
  const actual = createHash('sha256').update(presented, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
