import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SecurityConfig } from '../config/app-config.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CHANGE_ID = /^\d{1,19}$/;

export interface StreamTicket {
  tenantId: string;
  /** The newest change the issuing evaluation reflected (absent in tickets issued before 0.6.0). */
  afterChangeId: string | undefined;
  /** When the ticket stops working, in seconds since the epoch: a stream it opened ends then. */
  expiresAt: number;
}

/**
 * Tickets for the OFREP change stream. An EventSource cannot send an
 * Authorization header, so the stream URL carries a ticket instead: the
 * tenant and an expiry (the access token's own), MACed with a key derived
 * from SECRET_KEY. It grants no more than "tell me when this tenant's flags
 * change" (the events carry no values), and no longer than the token did.
 * It also names the last change the evaluation that issued it reflected, so
 * a stream opened a moment later starts there and misses nothing committed
 * in between.
 */
@Injectable()
export class StreamTickets {
  private readonly key: Buffer;

  constructor(security: SecurityConfig) {
    this.key = Buffer.from(hkdfSync('sha256', security.secretKey, 'tenantry', 'feature-stream-ticket', 32));
  }

  issue(tenantId: string, expiresAtSeconds: number, afterChangeId: string): string {
    const body = `${tenantId}.${expiresAtSeconds}.${afterChangeId}`;
    return `${Buffer.from(body).toString('base64url')}.${this.mac(body)}`;
  }

  /** The tenant a valid, unexpired ticket names, and the change its stream starts after; undefined otherwise. */
  verify(ticket: string, nowSeconds = Math.floor(Date.now() / 1000)): StreamTicket | undefined {
    const [encoded, mac, extra] = ticket.split('.');
    if (!encoded || !mac || extra !== undefined) return undefined;
    const body = Buffer.from(encoded, 'base64url').toString('utf8');
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    // Tickets issued before 0.6.0 carry no change id: their streams start at the newest change.
    const [tenantId, expiresAt, afterChangeId, more] = body.split('.');
    if (!tenantId || !UUID.test(tenantId) || !/^\d+$/.test(expiresAt ?? '') || Number(expiresAt) <= nowSeconds) return undefined;
    if (more !== undefined || (afterChangeId !== undefined && !CHANGE_ID.test(afterChangeId))) return undefined;
    return { tenantId, afterChangeId, expiresAt: Number(expiresAt) };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
