import { createServer, type Server } from 'node:http';
import { Provider, type Adapter, type AdapterPayload } from 'oidc-provider';
import request from 'supertest';
import {
  answerTemporarilyUnavailable,
  orTemporarilyUnavailable,
  TemporarilyUnavailable,
  unavailableWhileDatabaseIsDown,
} from './temporarily-unavailable.js';

/** A socket error as Node's net module raises it for a refused connection (what pg passes on). */
function refused(): NodeJS.ErrnoException {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { errno: -111, code: 'ECONNREFUSED', syscall: 'connect' });
}

/** Provider storage whose database is down. */
class UnreachableStorage implements Adapter {
  upsert(): Promise<void> {
    return Promise.reject(refused());
  }
  find(): Promise<AdapterPayload | undefined> {
    return Promise.reject(refused());
  }
  findByUserCode(): Promise<AdapterPayload | undefined> {
    return Promise.reject(refused());
  }
  findByUid(): Promise<AdapterPayload | undefined> {
    return Promise.reject(refused());
  }
  consume(): Promise<void> {
    return Promise.reject(refused());
  }
  destroy(): Promise<void> {
    return Promise.reject(refused());
  }
  revokeByGrantId(): Promise<void> {
    return Promise.reject(refused());
  }
}

describe(TemporarilyUnavailable.name, () => {
  it('turns a database outage into an exposed 503 temporarily_unavailable that keeps the cause', async () => {
    const cause = refused();
    const error = await orTemporarilyUnavailable(() => Promise.reject(cause)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TemporarilyUnavailable);
    expect(error).toMatchObject({ error: 'temporarily_unavailable', statusCode: 503, expose: true, cause });
  });

  it('leaves every other error as it is', async () => {
    const bug = new TypeError('not a database problem');
    await expect(orTemporarilyUnavailable(() => Promise.reject(bug))).rejects.toBe(bug);
  });

  describe('inside oidc-provider', () => {
    let server: Server;

    beforeAll(() => {
      const provider = new Provider('http://127.0.0.1/oidc', {
        adapter: unavailableWhileDatabaseIsDown(UnreachableStorage),
        features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
      });
      provider.use(answerTemporarilyUnavailable());
      const callback = provider.callback();
      server = createServer((incoming, outgoing) => void callback(incoming, outgoing));
    });

    afterAll(() => {
      server.close();
    });

    it('answers the token endpoint with 503 temporarily_unavailable, Retry-After and no-store', async () => {
      const response = await request(server)
        .post('/token')
        .auth('some-client', 'its-secret')
        .type('form')
        .send({ grant_type: 'client_credentials' });
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringContaining('retry') });
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('shows a browser at the authorization endpoint a 503 page, not a server_error', async () => {
      const response = await request(server)
        .get('/auth')
        .query({ client_id: 'some-client', response_type: 'code', scope: 'openid', redirect_uri: 'https://app.example/cb' })
        .set('Accept', 'text/html');
      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toContain('temporarily_unavailable');
      expect(response.text).not.toContain('server_error');
      expect(response.headers['retry-after']).toMatch(/^\d+$/);
    });
  });
});
