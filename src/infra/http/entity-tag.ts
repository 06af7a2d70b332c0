import { createHash } from 'node:crypto';

/**
 * The ETag of a response body. Express uses it for every response it sends
 * (app.set('etag', ...)) and the fast read path for the ones it sends, so a
 * client's If-None-Match matches whichever path answers next.
 */
export function responseEntityTag(body: string | Buffer): string {
  return `W/"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** RFC 9110 §13.1.2: If-None-Match holds "*" or a list of entity tags, compared weakly. */
export function ifNoneMatchHolds(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  const strip = (value: string): string => value.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim() === '*' || strip(candidate) === strip(tag));
}
