import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import { ifNoneMatchHolds, responseEntityTag } from './entity-tag.js';

/**
 * A response body rendered ahead of time with its entity tag: a handler that
 * serves the same bytes to many requests (a tenant's flag list, until it
 * changes) returns one of these instead of a value to serialise and hash on
 * every request. `tag` may cover less than the body (OFREP's bulk answer tags
 * its flags, not the stream ticket that varies per token).
 */
export class TaggedBody {
  readonly tag: string;

  constructor(
    readonly body: string,
    tag?: string,
    readonly contentType = 'application/json; charset=utf-8',
  ) {
    this.tag = tag ?? responseEntityTag(body);
  }
}

const CONDITIONAL = 'tenantry:conditional-read';

/**
 * The one way entity tags and conditional reads are answered (RFC 9110
 * §8.8.3, §13.1.2): the ETag of what the handler returned and, on a
 * conditional read, 304 with no body when If-None-Match names it. Handlers
 * return a value (serialised and tagged here) or a TaggedBody.
 */
@Injectable()
export class EntityTagInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const conditional = this.reflector.get<boolean>(CONDITIONAL, context.getHandler()) === true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      map((value: unknown) => {
        const tagged = value instanceof TaggedBody ? value : new TaggedBody(JSON.stringify(value));
        reply.header('etag', tagged.tag);
        if (conditional && ifNoneMatchHolds(request.headers['if-none-match'], tagged.tag)) {
          reply.code(304);
          return undefined;
        }
        reply.header('content-type', tagged.contentType);
        return tagged.body;
      }),
    );
  }
}

/** The route's answer carries the ETag of what the handler returns (a TaggedBody's own tag, e.g. a version for If-Match). */
export function EntityTagged(): MethodDecorator {
  return applyDecorators(SetMetadata(CONDITIONAL, false), UseInterceptors(EntityTagInterceptor));
}

/** The route answers If-None-Match with 304 (see EntityTagInterceptor), in the OpenAPI document too. */
export function ConditionalRead(): MethodDecorator {
  return applyDecorators(
    SetMetadata(CONDITIONAL, true),
    UseInterceptors(EntityTagInterceptor),
    ApiHeader({ name: 'If-None-Match', required: false, description: 'The ETag of a previous answer: 304 when it is still current' }),
    ApiResponse({ status: 304, description: 'Not modified: the representation is the one If-None-Match names' }),
  );
}
