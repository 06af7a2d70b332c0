import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { FeatureEventsService } from '../features/feature-events.service.js';
import { Caches } from '../infra/cache/caches.js';
import { DatabaseService } from '../infra/database/database.service.js';
import { SignInOutcomes } from '../oidc/interactions/sign-in-outcomes.js';
import { OIDC_MOUNT_PATH, OidcService } from '../oidc/oidc.service.js';
import { AuthorizationServerMetrics } from './authorization-server.metrics.js';
import { RegistrySnapshots } from './registry-snapshot.js';
import { RequestDurationMetric } from './request-duration.metric.js';
import { registerStateMetrics } from './state.metrics.js';

const REDUNDANT_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/**
 * Owns this app's metrics in a registry of its own (not prom-client's global
 * one, so two apps in one process, as in the tests, never share series):
 * Node's process metrics, request durations, token requests, sign-ins, and
 * the state read at scrape time. It observes the other modules from above;
 * none of them imports it.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  private readonly registry = new Registry();
  private readonly requests = new RequestDurationMetric(this.registry, OIDC_MOUNT_PATH);
  private readonly authorizationServer = new AuthorizationServerMetrics(this.registry);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly oidc: OidcService,
    private readonly signIns: SignInOutcomes,
    caches: Caches,
    database: DatabaseService,
    snapshots: RegistrySnapshots,
    featureEvents: FeatureEventsService,
  ) {
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters, which Prometheus' lint (promtool check metrics) refuses; sum the by-type gauges instead.
    for (const name of REDUNDANT_DEFAULT_METRICS) this.registry.removeSingleMetric(name);
    registerStateMetrics(this.registry, {
      caches,
      pool: database.pool,
      registry: () => snapshots.current(),
      featureEventSubscribers: () => featureEvents.subscriberCount,
    });
  }

  /** Runs inside app.init(), before Fastify is ready, so the hook still applies to every route. */
  onModuleInit(): void {
    this.adapterHost.httpAdapter.getInstance<FastifyInstance>().addHook('onResponse', this.requests.onResponse);
    this.oidc.observeProviders((provider) => {
      this.requests.learnOidcRoutes(provider);
      this.authorizationServer.observe(provider);
    });
    this.signIns.subscribe(this.authorizationServer.recordSignIn);
  }

  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
