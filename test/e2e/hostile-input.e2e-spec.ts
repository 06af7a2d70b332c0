import { startTestApp, type TestApp } from '../support/test-app.js';

describe('hostile input', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('answers Basic credentials with a malformed percent-escape with invalid_request, and keeps serving', async () => {
    const response = await fetch(`${testApp.url}/oidc/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('%zz:%zz').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    expect((await fetch(`${testApp.url}/health/live`)).status).toBe(200);
  });
});
