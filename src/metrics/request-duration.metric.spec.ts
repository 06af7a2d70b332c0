import type { FastifyReply, FastifyRequest } from 'fastify';
import { Provider } from 'oidc-provider';
import { Registry } from 'prom-client';
import { RequestDurationMetric, UNMATCHED_ROUTE } from './request-duration.metric.js';

function metricWithProvider(): RequestDurationMetric {
  const metric = new RequestDurationMetric(new Registry(), '/oidc');
  // The features Tenantry turns on (provider-configuration.ts); the route names are the provider's own.
  const provider = new Provider('http://localhost:3000/oidc', {
    features: {
      devInteractions: { enabled: false },
      deviceFlow: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
  });
  metric.learnOidcRoutes(provider);
  return metric;
}

function respond(metric: RequestDurationMetric, request: Partial<FastifyRequest>, statusCode: number): void {
  const reply = { statusCode, elapsedTime: 2.5 } as FastifyReply;
  metric.onResponse({ raw: { method: 'GET' }, ...request } as FastifyRequest, reply, () => undefined);
}

describe(RequestDurationMetric.name, () => {
  const metric = metricWithProvider();

  it.each([
    ['/oidc/token', '/oidc/token'],
    ['/oidc/token/introspection', '/oidc/token/introspection'],
    ['/oidc/auth?client_id=x&state=y', '/oidc/auth'],
    ['/oidc/auth/6kzUvKd2mBAyFSPd0LLgM', '/oidc/auth/:uid'],
    ['/oidc/device/auth', '/oidc/device/auth'],
    ['/oidc/device/Qm4kZp2yXb', '/oidc/device/:uid'],
    ['/oidc/.well-known/openid-configuration', '/oidc/.well-known/openid-configuration'],
    ['/oidc/session/end/confirm', '/oidc/session/end/confirm'],
  ])('labels %s, answered by the authorization server, by its route pattern %s', (url, route) => {
    expect(metric.routeOfUnmatched(url)).toBe(route);
  });

  it.each(['/oidc/auth/a/b', '/oidc/reg', '/oidc/nothing-here', '/oidcx/token', '/no/such/page', '/'])(
    'labels %s, which no route answers, as unmatched',
    (url) => {
      expect(metric.routeOfUnmatched(url)).toBe(UNMATCHED_ROUTE);
    },
  );

  it('observes one series per method, route pattern and status, in seconds', async () => {
    const registry = new Registry();
    const counted = new RequestDurationMetric(registry, '/oidc');
    const matched = { is404: false, routeOptions: { url: '/api/v1/tenants/:slug' } } as Partial<FastifyRequest>;
    respond(counted, matched, 200);
    respond(counted, matched, 200);
    respond(counted, { is404: true, originalUrl: '/random/3f9c' }, 404);
    respond(counted, { ...matched, raw: { method: 'PROPFIND' } } as Partial<FastifyRequest>, 405);
    const text = await registry.metrics();
    expect(text).toContain('tenantry_http_request_duration_seconds_count{method="GET",route="/api/v1/tenants/:slug",status_code="200"} 2');
    expect(text).toContain(
      'tenantry_http_request_duration_seconds_sum{method="GET",route="/api/v1/tenants/:slug",status_code="200"} 0.005',
    );
    expect(text).toContain('tenantry_http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1');
    expect(text).toContain(
      'tenantry_http_request_duration_seconds_count{method="OTHER",route="/api/v1/tenants/:slug",status_code="405"} 1',
    );
    expect(text).not.toContain('3f9c');
  });
});
