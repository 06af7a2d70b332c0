import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Nesting deeper than any body of ours (a targeting rule is a few levels); deeper is refused before it is parsed. */
export const MAX_JSON_DEPTH = 32;

export class UnreadableBody extends Error {
  readonly statusCode = 400;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** How deeply the JSON text nests, read without parsing it (stops counting past `limit`). */
export function jsonDepthExceeds(body: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < body.length; index += 1) {
    const byte = body[index]!;
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
      if (depth > limit) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth -= 1;
  }
  return false;
}

/**
 * A string PostgreSQL can store: no NUL (text and jsonb refuse it) and no
 * lone surrogate (not valid Unicode; jsonb refuses the escape, UTF-8 has no
 * encoding for it).
 */
export function isStorableText(value: string): boolean {
  return value.isWellFormed() && !value.includes('\u0000');
}

/** The first string (key or value) in a parsed body that PostgreSQL could not store, as a path. */
export function unstorableTextIn(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path || '(body)';
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (!isStorableText(key)) return childPath;
    const found = unstorableTextIn(child, childPath);
    if (found) return found;
  }
  return undefined;
}

type JsonParser = (request: FastifyRequest, body: Buffer, done: (error: Error | null, parsed?: unknown) => void) => void;

/**
 * The JSON body parser of the API: Fastify's own (which refuses __proto__
 * and constructor poisoning), after a nesting bound, with an empty body read
 * as no body (clients send Content-Type: application/json on an empty POST),
 * and refusing text PostgreSQL cannot store, so bad input is a 400 here and
 * never an error deep in a query.
 */
export function boundedJsonParser(fastify: FastifyInstance): JsonParser {
  const parse = fastify.getDefaultJsonParser('error', 'error') as unknown as (
    request: FastifyRequest,
    body: string,
    done: (error: Error | null, parsed?: unknown) => void,
  ) => void;
  return (request, body, done) => {
    if (body.length === 0) return done(null, undefined);
    if (jsonDepthExceeds(body, MAX_JSON_DEPTH))
      return done(new UnreadableBody(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`));
    parse(request, body.toString('utf8'), (error, parsed) => {
      if (error) return done(error);
      const unstorable = unstorableTextIn(parsed);
      if (unstorable)
        return done(
          new UnreadableBody(`The body holds text that cannot be stored (a NUL character or a lone surrogate) at ${unstorable}.`),
        );
      done(null, parsed);
    });
  };
}
