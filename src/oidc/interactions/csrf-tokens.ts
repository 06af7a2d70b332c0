import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Anti-CSRF tokens for the sign-in and consent forms: an HMAC of the
 * interaction id under a key derived from SECRET_KEY. Only our page can carry
 * it, and it is useless for any other interaction. (The interaction cookie is
 * SameSite=Lax already; this is the second fence.)
 */
export class CsrfTokens {
  private readonly key: Buffer;

  constructor(secretKey: string) {
    this.key = Buffer.from(hkdfSync('sha256', secretKey, 'tenantry', 'csrf', 32));
  }

  issue(interactionId: string): string {
    return createHmac('sha256', this.key).update(interactionId).digest('base64url');
  }

  verify(interactionId: string, token: unknown): boolean {
    if (typeof token !== 'string') return false;
    const expected = Buffer.from(this.issue(interactionId));
    const actual = Buffer.from(token);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
