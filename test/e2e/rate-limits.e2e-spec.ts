import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimits } from '../../src/infra/rate-limit/rate-limits.js';
import { ClientsService } from '../../src/oidc/clients.service.js';
import { ADMIN_SCOPES } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('rate limits shared by every instance', () => {
  let first: TestApp;

  beforeAll(async () => {
    // 60 per minute: a burst of 10 (10 s' worth), then one a second.
    first = await startTestApp({ TOKEN_RATE_LIMIT: '60' });
  });

  afterAll(async () => {
    await first.close();
  });

  it('allows a burst, then asks the caller to wait, and refills at the rate', async () => {
    const limits = first.app.get(RateLimits);
    const rule = { perMinute: 60, burstSeconds: 10 };
    const waits = [];
    for (let take = 0; take < 11; take += 1) waits.push(await limits.take('test:burst', rule));
    expect(waits.slice(0, 10)).toEqual(Array(10).fill(undefined));
    expect(waits[10]).toBe(1);
    await sleep(1_100);
    expect(await limits.take('test:burst', rule)).toBeUndefined();
    expect(await limits.take('test:other', rule)).toBeUndefined();
  });

  it('lets concurrent takes spend each token once', async () => {
    const limits = first.app.get(RateLimits);
    const waits = await Promise.all(Array.from({ length: 30 }, () => limits.take('test:concurrent', { perMinute: 6, burstSeconds: 50 })));
    expect(waits.filter((wait) => wait === undefined)).toHaveLength(5);
  });

  it('limits a client spreading its token requests over two instances at the rate of one', async () => {
    // The embedded database serves one process: there the second instance is the first.
    const second =
      first.database.kind === 'server' ? await startTestApp({ TOKEN_RATE_LIMIT: '60', PUBLIC_URL: first.baseUrl }, first.database) : first;
    try {
      const { client, clientSecret } = await first.app
        .get(ClientsService)
        .create({ name: 'busy', grantTypes: ['client_credentials'], scopes: [ADMIN_SCOPES] });
      const basic = `Basic ${Buffer.from(`${client.clientId}:${clientSecret}`).toString('base64')}`;
      const statuses: number[] = [];
      const started = Date.now();
      for (let request = 0; request < 30; request += 1) {
        const instance = request % 2 === 0 ? first : second;
        const response = await fetch(`${instance.url}/oidc/token`, {
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&scope=features:read',
        });
        statuses.push(response.status);
        if (response.status === 429) expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
        await response.text();
      }
      const refilled = Math.floor((Date.now() - started) / 1000);
      const granted = statuses.filter((status) => status === 200).length;
      expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
      // One bucket for both: a burst of 10 and what refilled meanwhile, not twice that.
      expect(granted).toBeGreaterThanOrEqual(10);
      expect(granted).toBeLessThanOrEqual(10 + refilled + 1);
    } finally {
      if (second !== first) await second.close();
    }
  });
});
