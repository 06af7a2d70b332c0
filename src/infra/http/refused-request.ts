import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { unreadableUrl } from './encoded-text.js';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails } from './problem-details.js';

// A refused body declared this small is read to its end and dropped, so the
// connection carries the next request; a larger one is not worth reading.
const DRAIN_LIMIT_BYTES = 1024 * 1024;
// How long a connection closed on an unread body keeps reading (and dropping)
// what the client still sends, so the client reads the answer, not a reset.
const LINGER_MS = 2_000;

/**
 * Closes gracefully, once its answer is sent, a connection whose request body
 * was left unread: our FIN after the answer, then what the client still sends
 * is read and dropped until it closes too (or LINGER_MS). Closing a socket
 * with unread bytes in its buffer makes the kernel answer with a reset, which
 * can reach the client before it has read the answer; Node's own close after
 * a `Connection: close` answer does exactly that (destroySoon), and has no
 * option to linger. So the answer does not ask Node to close (the client,
 * still sending its body, cannot reuse the connection anyway), and this
 * closes it with the socket's public API instead.
 */
function closeAfterAnswer(request: IncomingMessage, response: ServerResponse): void {
  const socket = request.socket;
  response.once('finish', () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('close', () => clearTimeout(timer));
  });
}

/**
 * A request body that was refused before it was read to its end (too large,
 * or an answer given without it): what is left is read and dropped, so the
 * next request on the connection is answered, or, when it is too large for
 * that, the connection closes after the answer without a reset. Never leaves
 * the stream paused, which would stall the connection. The caller removes any
 * `Connection: close` (Fastify asks for it on every body it refuses, which
 * would end, with a reset, a connection that can go on).
 */
export function settleRefusedBody(request: IncomingMessage, response: ServerResponse): void {
  if (request.complete) return;
  const declared = Number(request.headers['content-length']);
  if (!(Number.isSafeInteger(declared) && declared <= DRAIN_LIMIT_BYTES)) closeAfterAnswer(request, response);
  request.resume();
}

function decodedOrAsSent(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** An OFREP evaluation failure body: {key?, errorCode, errorDetails} (key for a single flag's evaluation). */
export function ofrepFailureBody(path: string, errorDetails: string): Record<string, string> {
  const single = /^\/ofrep\/v1\/evaluate\/flags\/([^/]+)$/.exec(path)?.[1];
  return { ...(single === undefined ? {} : { key: decodedOrAsSent(single) }), errorCode: 'PARSE_ERROR', errorDetails };
}

/** OFREP's evaluation endpoints (its change stream is ours, and answers problem details). */
export function isOfrepPath(path: string): boolean {
  return path.startsWith('/ofrep/v1/evaluate/');
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/**
 * A request refused before it reached a route, in the format of the
 * endpoint: OAuth's error JSON under the authorization server, OFREP's for its
 * evaluations, problem details elsewhere.
 */
function answerRefusal(reply: FastifyReply, path: string, status: number, detail: string, oauthPrefix: string): void {
  if (isUnder(path, oauthPrefix)) {
    void reply
      .code(status)
      .header('Cache-Control', 'no-store')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify({ error: 'invalid_request', error_description: detail }));
    return;
  }
  if (isOfrepPath(path)) {
    void reply
      .code(status)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(ofrepFailureBody(path, detail)));
    return;
  }
  const problem: ProblemDetails = {
    type: 'about:blank',
    title: status === HttpStatus.URI_TOO_LONG ? 'URI Too Long' : 'Bad Request',
    status,
    detail,
    instance: path,
  };
  void reply.code(status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/**
 * Fastify's `frameworkErrors`: the router refuses a path it cannot decode
 * (400) or a parameter longer than it matches (414) before any hook runs, and
 * would answer in its own JSON shape; answered here in the endpoint's format.
 */
export function frameworkErrorHandler(oauthPrefix: string) {
  return (error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply): void => {
    const status = error.statusCode === HttpStatus.URI_TOO_LONG ? HttpStatus.URI_TOO_LONG : HttpStatus.BAD_REQUEST;
    const path = (request.raw.url ?? '/').split('?')[0]!;
    const detail = status === HttpStatus.URI_TOO_LONG ? 'A path segment is too long.' : 'The request path cannot be decoded.';
    answerRefusal(reply, path, status, detail, oauthPrefix);
  };
}

/**
 * Every request target is decodable and storable, checked once for every
 * route: a malformed percent-escape, an escape that is not UTF-8 (a lone
 * surrogate has no UTF-8 form) or a NUL in the path or query is a 400 before
 * any handler, so no such text reaches a query (PostgreSQL refuses NUL) or a
 * parser that would read it leniently. Under `oauthPrefix` the authorization
 * server checks its own parameters, to answer in its own format.
 */
export function refuseUnreadableUrls(fastify: FastifyInstance, oauthPrefix: string): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const url = request.raw.url ?? '/';
    const unreadable = isUnder(url.split('?')[0]!, oauthPrefix) ? undefined : unreadableUrl(url);
    if (unreadable) done(new BadRequestException(`The request URL holds ${unreadable}.`) as HttpException & Error);
    else done();
  });
}
