import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { responseEntityTag } from '../infra/http/entity-tag.js';
import { TenantFeatureResponse } from './dto/feature.response.js';
import type { TenantFeatureState } from './feature.js';

export interface RenderedFeatureList {
  slug: string;
  body: string;
  tag: string;
  length: number;
}

/**
 * A tenant's flag list as response bytes and their ETag. The service hands
 * out the same states array for as long as the tenant's flags and the
 * catalogue are unchanged, so each list is serialised and hashed once, not on
 * every read: the controller's reads and the fast read path share it.
 */
@Injectable()
export class FeatureListRenderer {
  private readonly rendered = new WeakMap<TenantFeatureState[], RenderedFeatureList>();

  render(list: { tenant: { slug: string }; states: TenantFeatureState[] }): RenderedFeatureList {
    let rendered = this.rendered.get(list.states);
    if (rendered?.slug !== list.tenant.slug) {
      const body = JSON.stringify(TenantFeatureResponse.list(list));
      rendered = { slug: list.tenant.slug, body, tag: responseEntityTag(body), length: Buffer.byteLength(body) };
      this.rendered.set(list.states, rendered);
    }
    return rendered;
  }

  /** Sends the list through Express: with its ETag set first, Express answers a matching If-None-Match with 304. */
  send(response: Response, list: { tenant: { slug: string }; states: TenantFeatureState[] }): void {
    const { body, tag } = this.render(list);
    response.setHeader('ETag', tag);
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.send(body);
  }
}
