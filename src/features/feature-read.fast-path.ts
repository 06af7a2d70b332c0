import type { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable } from '@nestjs/common';
import { AccessAuthorizer } from '../auth/access-authorizer.service.js';
import { ifNoneMatchHolds } from '../infra/http/entity-tag.js';
import { FeatureListRenderer, type RenderedFeatureList } from './feature-list.renderer.js';
import { FeaturesService } from './features.service.js';

export const FAST_READ_PATH = '/api/v1/me/features';

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
  constructor(
    private readonly authorizer: AccessAuthorizer,
    private readonly features: FeaturesService,
    private readonly renderer: FeatureListRenderer,
  ) {}

  matches(request: IncomingMessage): boolean {
    return request.method === 'GET' && request.url === FAST_READ_PATH;
  }

  /** True when it answered; false when the request should go the normal way. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const principal = this.authorizer.cachedPrincipal(request.headers.authorization);
    if (!principal) return false;
    let rendered: RenderedFeatureList;
    try {
      await this.authorizer.authorize(principal, { scopes: ['features:read'] });
      rendered = this.renderer.render(await this.features.listOwnFeatures(principal));
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
}
