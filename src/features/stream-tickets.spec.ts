import { createHmac, hkdfSync } from 'node:crypto';
import { SecurityConfig } from '../config/app-config.js';
import { StreamTickets } from './stream-tickets.js';

describe(StreamTickets.name, () => {
  const tenantId = '3f1c2a9e-8b7d-4c6e-9f0a-1b2c3d4e5f60';
  const SECRET = 'a-test-secret-key-that-is-long-enough-0123';
  const tickets = new StreamTickets(new SecurityConfig(SECRET, false));
  const now = 1_800_000_000;

  it('names the tenant of a ticket it issued and its expiry, until it expires', () => {
    const ticket = tickets.issue(tenantId, now + 60, '42');
    expect(tickets.verify(ticket, now)).toEqual({ tenantId, afterChangeId: '42', expiresAt: now + 60 });
    expect(tickets.verify(ticket, now + 60)).toBeUndefined();
  });

  it('still takes a ticket issued before tickets named a change: its stream starts at the newest', () => {
    const body = `${tenantId}.${now + 60}`;
    const mac = createHmac('sha256', Buffer.from(hkdfSync('sha256', SECRET, 'tenantry', 'feature-stream-ticket', 32)))
      .update(body)
      .digest('base64url');
    expect(tickets.verify(`${Buffer.from(body).toString('base64url')}.${mac}`, now)).toEqual({
      tenantId,
      afterChangeId: undefined,
      expiresAt: now + 60,
    });
  });

  it('refuses a ticket altered, forged with another key, or malformed', () => {
    const ticket = tickets.issue(tenantId, now + 60, '42');
    const [body, mac] = ticket.split('.');
    const otherTenant = Buffer.from(`00000000-0000-4000-8000-000000000000.${now + 60}.42`).toString('base64url');
    expect(tickets.verify(`${otherTenant}.${mac}`, now)).toBeUndefined();
    const earlierStart = Buffer.from(`${tenantId}.${now + 60}.1`).toString('base64url');
    expect(tickets.verify(`${earlierStart}.${mac}`, now)).toBeUndefined();
    const forger = new StreamTickets(new SecurityConfig('another-secret-key-that-is-long-enough-987', false));
    expect(forger.verify(ticket, now)).toBeUndefined();
    for (const junk of ['', 'x', `${body}.`, `${body}.${mac}.x`, `.${mac}`]) expect(tickets.verify(junk, now)).toBeUndefined();
  });
});
