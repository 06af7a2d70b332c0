import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../database/database-unavailable.js';
import { DomainError, problemType } from './domain-error.js';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails } from './problem-details.js';
import { isOfrepPath, ofrepFailureBody, settleRefusedBody } from './refused-request.js';
import { RequestValidationError } from './validation.js';

/** Errors that carry response headers (e.g. WWW-Authenticate) implement this. */
export interface HasResponseHeaders {
  responseHeaders(): Record<string, string>;
}

function hasResponseHeaders(error: unknown): error is HasResponseHeaders {
  return typeof (error as HasResponseHeaders | null)?.responseHeaders === 'function';
}

const UNAVAILABLE_CODE = 'TEMPORARILY_UNAVAILABLE';

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

const UNREADABLE_STATUSES: ReadonlySet<number> = new Set([
  HttpStatus.BAD_REQUEST,
  HttpStatus.PAYLOAD_TOO_LARGE,
  HttpStatus.UNSUPPORTED_MEDIA_TYPE,
]);

/** A request refused for how it was sent (parsing, size, type), not for what it asks: not a domain or validation error. */
function isUnreadableRequest(exception: unknown): exception is HttpException {
  return (
    exception instanceof HttpException && !(exception instanceof RequestValidationError) && UNREADABLE_STATUSES.has(exception.getStatus())
  );
}

/**
 * Renders every error as RFC 9457 application/problem+json. Domain errors map
 * by their code; Nest's HTTP exceptions by status (body-parser's malformed
 * JSON arrives here as a 400); a database that cannot be reached is a 503
 * with Retry-After (the request may succeed once it is back); anything else
 * is a bug: logged with an error id that the 500 response returns, and no
 * stack or message leaks out.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<FastifyRequest>();
    const reply = context.getResponse<FastifyReply>();
    const path = request.url.split('?')[0]!;
    // A body refused before it was read to its end (too large, unreadable):
    // the rest is dropped, or the connection closed cleanly after the answer.
    settleRefusedBody(request.raw, reply.raw);
    void reply.removeHeader('connection');
    // OFREP answers a request it cannot read (a body that does not parse, is
    // too large or of another type; a query or path it cannot decode) in its
    // own format: the parsers run before any OFREP route, so this filter is
    // the one that sees it.
    if (isOfrepPath(path) && isUnreadableRequest(exception)) {
      void reply.code(exception.getStatus()).send(ofrepFailureBody(path, this.httpExceptionDetail(exception)));
      return;
    }
    const problem = this.toProblem(exception);
    problem.instance = path;
    if (hasResponseHeaders(exception)) reply.headers(exception.responseHeaders());
    // Every 503 says when to come back (RFC 9110 §10.2.3), and is not to be cached.
    if (problem.status === HttpStatus.SERVICE_UNAVAILABLE && !reply.hasHeader('retry-after'))
      void reply.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS)).header('Cache-Control', 'no-store');
    void reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof DomainError) {
      const { status, title } = exception.definition;
      return {
        type: problemType(exception.code),
        title,
        status,
        detail: exception.detail ?? title,
        code: exception.code,
        ...exception.extensions,
      };
    }
    if (exception instanceof RequestValidationError) {
      return {
        type: problemType('VALIDATION_FAILED'),
        title: 'Validation failed',
        status: HttpStatus.BAD_REQUEST,
        detail: 'One or more fields are invalid.',
        code: 'VALIDATION_FAILED',
        errors: exception.fieldErrors,
      };
    }
    if (exception instanceof HttpException && (exception.getStatus() < 500 || exception.getStatus() === 503)) {
      const status = exception.getStatus();
      return {
        type: 'about:blank',
        title: STATUS_TITLES[status] ?? 'Client Error',
        status,
        detail: this.httpExceptionDetail(exception),
      };
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(
        `database unavailable: ${exception instanceof Error ? exception.message.trim().split('\n').at(-1) : String(exception)}`,
      );
      return {
        type: problemType(UNAVAILABLE_CODE),
        title: STATUS_TITLES[HttpStatus.SERVICE_UNAVAILABLE]!,
        status: HttpStatus.SERVICE_UNAVAILABLE,
        detail: `The service is temporarily unavailable. Retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`,
        code: UNAVAILABLE_CODE,
      };
    }
    const errorId = randomUUID();
    const error = exception instanceof Error ? exception : new Error(String(exception));
    this.logger.error(`unhandled error (error id ${errorId}): ${error.name}: ${error.message}`, error.stack);
    return {
      type: 'about:blank',
      title: 'Internal Server Error',
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      detail: `An unexpected error occurred. Quote error id ${errorId} when reporting it.`,
      errorId,
    };
  }

  private httpExceptionDetail(exception: HttpException): string {
    const body = exception.getResponse();
    if (typeof body === 'string') return body;
    const message = (body as { message?: unknown }).message;
    return Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
  }
}
