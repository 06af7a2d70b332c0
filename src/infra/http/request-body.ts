import * as querystring from 'node:querystring';
import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isStorableText, unreadableForm } from './encoded-text.js';

/** Nesting deeper than any body of ours (a targeting rule is a few levels); deeper is refused before it is parsed. */
export const MAX_JSON_DEPTH = 32;

/** A body that cannot be read: a 400 in the endpoint's format (the problem-details filter renders it). */
export class UnreadableBody extends BadRequestException {}

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
 * The first value in a parsed body that PostgreSQL could not store as sent,
 * as a path: a string (key or value) with a NUL or a lone surrogate, or a
 * number JSON cannot hold (`1e400` parses as Infinity, which jsonb would keep
 * as null).
 */
export function unstorableTextIn(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path || '(body)';
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path || '(body)';
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
          new UnreadableBody(
            `The body holds a value that cannot be stored (a NUL character, a lone surrogate or an infinite number) at ${unstorable}.`,
          ),
        );
      done(null, parsed);
    });
  };
}

type FormParser = (request: FastifyRequest, body: Buffer, done: (error: Error | null, parsed?: unknown) => void) => void;

/**
 * The form body parser (the sign-in pages post forms): what cannot be decoded
 * (a malformed escape, bytes that are not UTF-8) or stored (a NUL) is a 400,
 * where a querystring parser would let it through as "%zz" or U+FFFD. As
 * Fastify's JSON parser does, `__proto__` is refused (querystring.parse
 * returns an object without a prototype, where it is an ordinary key that a
 * copy onto another object would turn into that object's prototype).
 */
export function boundedFormParser(): FormParser {
  return (_request, body, done) => {
    const unreadable = unreadableForm(body);
    if (unreadable) return done(new UnreadableBody(`The form body holds ${unreadable}.`));
    const parsed = querystring.parse(body.toString('utf8'));
    if (Object.hasOwn(parsed, '__proto__')) return done(new UnreadableBody('Object contains forbidden prototype property'));
    done(null, parsed);
  };
}
