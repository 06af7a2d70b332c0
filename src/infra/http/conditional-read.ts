import { applyDecorators } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { ifNoneMatchHolds, responseEntityTag } from './entity-tag.js';

/**
 * A response body rendered ahead of time with its entity tag. A handler that
 * serves the same bytes to many requests (a tenant's flag list, until it
 * changes) returns one of these instead of a value to serialise and hash on
 * every request; one built per request is hashed once. `tag` may cover less
 * than the body (OFREP's bulk answer tags its flags, not the stream ticket
 * that varies per token) or be a version (a flag's, for If-Match).
 */
export class TaggedBody {
  readonly tag: string;
  private rendered: string | (() => string);

  /** `body` may be a function when `tag` is given: it is only rendered when the answer is not a 304. */
  constructor(body: string, tag?: string, contentType?: string);
  constructor(body: () => string, tag: string, contentType?: string);
  constructor(
    body: string | (() => string),
    tag?: string,
    readonly contentType = 'application/json; charset=utf-8',
  ) {
    this.rendered = body;
    this.tag = tag ?? responseEntityTag(body as string);
  }

  get body(): string {
    if (typeof this.rendered === 'function') this.rendered = this.rendered();
    return this.rendered;
  }

  static of(value: unknown): TaggedBody {
    return new TaggedBody(JSON.stringify(value));
  }
}

const CONDITIONAL_READ = 'conditionalRead';
const NOT_MODIFIED = Symbol('not modified');

/** The route answers If-None-Match with 304 when it names the ETag of what the handler returns (a TaggedBody). */
export function ConditionalRead(): MethodDecorator {
  return applyDecorators(
    RouteConfig({ [CONDITIONAL_READ]: true }),
    ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag of a previous answer: 304 when it is still current' }),
    ApiResponse({ status: 304, description: 'Not modified: the representation is the one If-None-Match names' }),
  );
}

/**
 * The one way entity tags and conditional reads are answered (RFC 9110
 * §8.8.3, §13.1.2), in Fastify's reply pipeline: a handler returns a
 * TaggedBody; its tag becomes the ETag, its bytes the body as they are, and
 * on a @ConditionalRead route a matching If-None-Match becomes a 304 with no
 * body. Everything else is serialised as JSON, as Fastify would.
 */
export function answerTaggedBodies(fastify: FastifyInstance): void {
  fastify.addHook('preSerialization', (request, reply, payload, done) => {
    if (!(payload instanceof TaggedBody)) {
      if (!reply.hasHeader('content-type')) void reply.type('application/json; charset=utf-8');
      return done(null, payload);
    }
    void reply.header('etag', payload.tag);
    const conditional = (request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[CONDITIONAL_READ] === true;
    if (conditional && ifNoneMatchHolds(request.headers['if-none-match'], payload.tag)) {
      void reply.code(304);
      return done(null, NOT_MODIFIED);
    }
    void reply.type(payload.contentType);
    done(null, payload);
  });
  fastify.setReplySerializer((payload) => {
    if (payload instanceof TaggedBody) return payload.body;
    // No body on a 304 (Fastify sends none for an undefined payload).
    if (payload === NOT_MODIFIED) return undefined as unknown as string;
    return JSON.stringify(payload);
  });
}
