import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SecurityConfig } from '../config/app-config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Tickets for the OFREP change stream. An EventSource cannot send an
 * Authorization header, so the stream URL carries a ticket instead: the
 * tenant and an expiry (the access token's own), MACed with a key derived
 * from SECRET_KEY. It grants no more than "tell me when this tenant's flags
 * change" (the events carry no values), and no longer than the token did.
 */
@Injectable()
export class StreamTickets {
  private readonly key: Buffer;

  constructor(security: SecurityConfig) {
    this.key = Buffer.from(hkdfSync('sha256', security.secretKey, 'tenantry', 'feature-stream-ticket', 32));
  }

  issue(tenantId: string, expiresAtSeconds: number): string {
    const body = `${tenantId}.${expiresAtSeconds}`;
    return `${Buffer.from(body).toString('base64url')}.${this.mac(body)}`;
  }

  /** The tenant a valid, unexpired ticket names; undefined otherwise. */
  verify(ticket: string, nowSeconds = Math.floor(Date.now() / 1000)): string | undefined {
    const [encoded, mac, extra] = ticket.split('.');
    if (!encoded || !mac || extra !== undefined) return undefined;
    const body = Buffer.from(encoded, 'base64url').toString('utf8');
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const [tenantId, expiresAt] = body.split('.');
    if (!tenantId || !UUID.test(tenantId) || !/^\d+$/.test(expiresAt ?? '') || Number(expiresAt) <= nowSeconds) return undefined;
    return tenantId;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
