import { hash } from 'node:crypto';

/** The ETag of a response body (see answerTaggedBodies). Strong: the same bytes, the same tag. */
export function responseEntityTag(body: string | Buffer): string {
  return `"${hash('sha1', body, 'base64url')}"`;
}

/** RFC 9110 §13.1.2: If-None-Match holds "*" or a list of entity tags, compared weakly. */
export function ifNoneMatchHolds(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  const strip = (value: string): string => value.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim() === '*' || strip(candidate) === strip(tag));
}
