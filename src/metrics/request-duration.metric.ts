import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Provider } from 'oidc-provider';
import type { Registry } from 'prom-client';
import { LabelledHistogram, type HistogramSeries } from './labelled-histogram.js';

/** The route label of a request no route answered (404s): never the raw path, so a scan cannot mint series. */
export const UNMATCHED_ROUTE = 'unmatched';

// Seconds. API reads answer in well under a millisecond from memory, token
// requests in a few; the top buckets catch database waits and streams.
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const OTHER_METHOD = 'OTHER';

// oidc-provider's route names (its `routes` configuration, so the labels
// follow it); names of features that are off have no path and are skipped.
const PROVIDER_ROUTES = [
  'authorization',
  'token',
  'jwks',
  'userinfo',
  'introspection',
  'revocation',
  'end_session',
  'end_session_confirm',
  'end_session_success',
  'device_authorization',
  'code_verification',
  'pushed_authorization_request',
];
// Routes the provider declares as `${route}/:uid` (resuming an authorization or a device flow).
const PROVIDER_ROUTES_WITH_UID = ['authorization', 'code_verification'];
// Fixed by OpenID Connect Discovery and RFC 8414, not configurable.
const DISCOVERY_PATHS = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];

type RequestLabels = { method: string; route: string; status_code: number };

function pathOf(provider: Provider, name: string): string | undefined {
  try {
    return provider.pathFor(name, { mountPath: '' });
  } catch {
    return undefined;
  }
}

/**
 * `http_request_duration_seconds` by method, route pattern and status, from
 * one Fastify onResponse hook. Nest routes are labelled by their pattern
 * (`/api/v1/tenants/:slug/features`); requests the authorization server
 * answered (its one catch-all route, `/oidc/*`) by the
 * provider's route pattern (`/oidc/token`, `/oidc/auth/:uid`). It runs on
 * every request, so each series is made once and looked up (and observed
 * without label work, see LabelledHistogram),
 * and `reply.elapsedTime` (Fastify's own clock from the start of routing)
 * saves a hook at the start.
 */
export class RequestDurationMetric {
  private readonly histogram: LabelledHistogram;
  // route → method → status → series.
  private readonly series = new Map<string, Map<string, Map<number, HistogramSeries>>>();
  private readonly oidcPaths = new Map<string, string>();
  private oidcPathsWithUid: [prefix: string, pattern: string][] = [];
  private readonly oidcCatchAll: string;

  constructor(
    registry: Registry,
    private readonly oidcMountPath: string,
  ) {
    this.oidcCatchAll = `${oidcMountPath}/*`;
    this.histogram = new LabelledHistogram(
      'tenantry_http_request_duration_seconds',
      'Time from routing a request to the end of its response, by method, route pattern and status code.',
      BUCKETS,
      registry,
    );
  }

  /** Reads the authorization server's routes; called for each provider built (they are rebuilt with the same routes). */
  learnOidcRoutes(provider: Provider): void {
    this.oidcPaths.clear();
    for (const name of PROVIDER_ROUTES) {
      const path = pathOf(provider, name);
      if (path) this.oidcPaths.set(this.oidcMountPath + path, this.oidcMountPath + path);
    }
    for (const path of DISCOVERY_PATHS) this.oidcPaths.set(this.oidcMountPath + path, this.oidcMountPath + path);
    this.oidcPathsWithUid = PROVIDER_ROUTES_WITH_UID.flatMap((name) => {
      const path = pathOf(provider, name);
      return path ? [[`${this.oidcMountPath}${path}/`, `${this.oidcMountPath}${path}/:uid`] as [string, string]] : [];
    });
  }

  readonly onResponse = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    // `is404` is cheap; `routeOptions` builds an object, so it is read only for a matched route.
    let route = request.is404 ? this.routeOfUnmatched(request.originalUrl) : (request.routeOptions.url ?? UNMATCHED_ROUTE);
    // The authorization server's catch-all route (/oidc/*): labelled by the provider's own route pattern.
    if (route === this.oidcCatchAll || route === this.oidcMountPath) route = this.routeOfUnmatched(request.originalUrl);
    this.histogram.observe(this.seriesOf(route, request.raw.method, reply.statusCode), reply.elapsedTime / 1000);
    done();
  };

  /** The provider's route pattern for a path under its mount; anything else no route answered is `unmatched`. */
  routeOfUnmatched(url: string): string {
    if (!url.startsWith(this.oidcMountPath)) return UNMATCHED_ROUTE;
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const exact = this.oidcPaths.get(path);
    if (exact) return exact;
    for (const [prefix, pattern] of this.oidcPathsWithUid) {
      if (path.length > prefix.length && path.startsWith(prefix) && !path.includes('/', prefix.length)) return pattern;
    }
    return UNMATCHED_ROUTE;
  }

  private seriesOf(route: string, rawMethod: string | undefined, status: number): HistogramSeries {
    const method = rawMethod !== undefined && METHODS.has(rawMethod) ? rawMethod : OTHER_METHOD;
    let byMethod = this.series.get(route);
    if (!byMethod) this.series.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) byStatus.set(status, (series = this.histogram.series({ method, route, status_code: status } satisfies RequestLabels)));
    return series;
  }
}
