import type { FastifyReply } from 'fastify';
import type { ApiAnswer } from './console-api.service.js';
import { problemOf } from './console-api.service.js';
import { sendPage } from './console-http.js';
import { errorPage } from './views/sign-in.views.js';

/**
 * When the API refused a read a page needs, that page cannot be shown: the
 * person gets the API's answer as a page (404 stays 404: another tenant's
 * pages do not exist for a tenant admin). True when a page was sent.
 */
export function refusedPage(reply: FastifyReply, answer: ApiAnswer<unknown>): boolean {
  if (answer.status < 400) return false;
  const problem = problemOf(answer);
  const title = answer.status === 404 ? 'Not found' : answer.status === 403 ? 'Not allowed' : (problem.title ?? 'Request refused');
  sendPage(reply, answer.status, errorPage(title, problem.detail ?? 'The request was refused.'));
  return true;
}

/** A console-relative path segment. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

/** Notices after a change, by code (never free text from the URL). */
const NOTICES: Record<string, (subject: string) => string> = {
  'tenant-created': (slug) => `Tenant ${slug} created.`,
  'tenant-suspended': (slug) => `Tenant ${slug} suspended: its tokens stopped working.`,
  'tenant-resumed': (slug) => `Tenant ${slug} resumed.`,
  'tenant-moved': (slug) => `Tenant ${slug} moved.`,
  'tenant-deleted': (slug) => `Tenant ${slug} deleted.`,
  'tenant-settings': (slug) => `Settings of ${slug} saved.`,
  'flag-saved': (key) => `Flag ${key} saved.`,
  'flag-created': (key) => `Flag ${key} added to the catalogue.`,
  'segment-saved': (key) => `Segment ${key} saved.`,
  'segment-deleted': (key) => `Segment ${key} deleted.`,
  'user-created': (email) => `User ${email} created.`,
  'user-updated': (email) => `User ${email} updated.`,
  'user-deleted': (email) => `User ${email} deleted.`,
  'client-deleted': (name) => `Client ${name} deleted.`,
  'operator-created': (email) => `Operator ${email} created.`,
  'operator-updated': (email) => `Operator ${email} updated.`,
  'operator-deleted': (email) => `Operator ${email} deleted.`,
};

export function noticeOf(query: Record<string, unknown>): string | undefined {
  const code = typeof query.notice === 'string' ? query.notice : undefined;
  const subject = typeof query.subject === 'string' ? query.subject.slice(0, 200) : '';
  return code && NOTICES[code] ? NOTICES[code](subject) : undefined;
}

export function withNotice(path: string, code: string, subject: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}notice=${encodeURIComponent(code)}&subject=${encodeURIComponent(subject)}`;
}
