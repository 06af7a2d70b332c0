import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { AccessAuthorizer } from '../auth/access-authorizer.service.js';
import { ifNoneMatchHolds, responseEntityTag } from '../infra/http/entity-tag.js';
import { TenantFeatureResponse } from './dto/feature.response.js';
import type { TenantFeatureState } from './feature.js';
import { FeaturesService } from './features.service.js';

export const FAST_READ_PATH = '/api/v1/me/features';

interface Rendered {
  body: string;
  tag: string;
  length: number;
}

/**
 * GET /api/v1/me/features, answered beside Express for a token the API has
 * already verified: the hottest read of a tenant application, where Express
 * and Nest's routing cost more than the work. It asks the same authorizer
 * and the same service as the controller, and answers only 200 and 304; any
 * other outcome (a token seen for the first time, a refusal, an error) goes
 * the normal way, so errors have one format and one place.
 */
@Injectable()
export class FeatureReadFastPath {
  private readonly rendered = new WeakMap<TenantFeatureState[], Rendered>();

  constructor(
    private readonly authorizer: AccessAuthorizer,
    private readonly features: FeaturesService,
  ) {}

  matches(request: IncomingMessage): boolean {
    return request.method === 'GET' && request.url === FAST_READ_PATH;
  }

  /** True when it answered; false when the request should go the normal way. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const principal = this.authorizer.cachedPrincipal(request.headers.authorization);
    if (!principal) return false;
    let rendered: Rendered;
    try {
      await this.authorizer.authorize(principal, { scopes: ['features:read'] });
      rendered = this.render(await this.features.listOwnFeatures(principal));
    } catch {
      return false;
    }
    const { body, tag } = rendered;
    if (ifNoneMatchHolds(request.headers['if-none-match'], tag)) {
      response.writeHead(304, { ETag: tag });
      response.end();
    } else {
      response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': rendered.length, ETag: tag });
      response.end(body);
    }
    return true;
  }

  /** The same states (an unchanged tenant) render to the same bytes: serialise and hash once. */
  private render(own: { tenant: { slug: string }; states: TenantFeatureState[] }): Rendered {
    let rendered = this.rendered.get(own.states);
    if (!rendered) {
      const body = JSON.stringify(TenantFeatureResponse.list(own));
      rendered = { body, tag: responseEntityTag(body), length: Buffer.byteLength(body) };
      this.rendered.set(own.states, rendered);
    }
    return rendered;
  }
}
