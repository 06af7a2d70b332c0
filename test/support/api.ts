import request from 'supertest';
import type { Response } from 'supertest';
import type { ClientsService, CreateClientCommand } from '../../src/oidc/clients.service.js';
import type { TestApp } from './test-app.js';
import { discoverClient } from './test-app.js';
import * as oauth from 'openid-client';

export const ADMIN_SCOPES = 'features:read features:write tenants:read tenants:write';

export interface TestClient {
  clientId: string;
  clientSecret: string;
  token: string;
}

/** Registers a confidential client through the service (as the CLI does) and gets a token with openid-client. */
export async function clientWithToken(
  testApp: TestApp,
  clients: ClientsService,
  command: Partial<CreateClientCommand> = {},
  scope = command.scopes?.join(' ') ?? ADMIN_SCOPES,
): Promise<TestClient> {
  const { client, clientSecret } = await clients.create({
    name: 'test client',
    grantTypes: ['client_credentials'],
    scopes: [ADMIN_SCOPES],
    ...command,
  });
  const configuration = await discoverClient(testApp, client.clientId, clientSecret!);
  const tokens = await oauth.clientCredentialsGrant(configuration, { scope });
  return { clientId: client.clientId, clientSecret: clientSecret!, token: tokens.access_token };
}

export function api(testApp: TestApp, token?: string) {
  const agent = request(testApp.url);
  const withAuth = <T extends request.Test>(test: T): T => (token ? test.set('Authorization', `Bearer ${token}`) : test);
  return {
    get: (path: string) => withAuth(agent.get(path)),
    post: (path: string, body?: object) => withAuth(agent.post(path)).send(body),
    put: (path: string, body?: object) => withAuth(agent.put(path)).send(body),
    patch: (path: string, body?: object) => withAuth(agent.patch(path)).send(body),
    delete: (path: string) => withAuth(agent.delete(path)),
  };
}

export function expectProblem(response: Response, status: number, code?: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body.status).toBe(status);
  expect(typeof response.body.title).toBe('string');
  if (code) expect(response.body.code).toBe(code);
}

/** The actor a test's own set-up changes are logged under (the API logs the calling client). */
export const SETUP_ACTOR = { clientId: 'test-setup', userId: null };
