import type { TestApp } from './test-app.js';

/** Path segments and query values that cannot be decoded or stored: each must be a 400, never a 5xx. */
export const UNREADABLE_ESCAPES = {
  nul: '%00',
  'inner nul': 'a%00b',
  'lone surrogate (CESU-8 bytes, not UTF-8)': '%ED%A0%80',
  'malformed escape': '%zz',
  'truncated escape': 'a%2',
  'overlong UTF-8': '%C0%AF',
  'byte that is never UTF-8': '%FF',
} as const;

/** Decodable but unusual: refused or not found, never a 5xx. */
export const ODD_SEGMENTS = {
  'very long': 'x'.repeat(3_000),
  emoji: '%F0%9F%98%80',
  'encoded slash': 'a%2Fb',
} as const;

export interface Outcome {
  status: number;
  contentType: string;
  body: string;
}

/** One request with raw fetch (it sends percent-escapes and bodies as given); a connection failure is reported, not thrown. */
export async function send(testApp: TestApp, target: string, init: RequestInit = {}): Promise<Outcome | { failure: string }> {
  try {
    const response = await fetch(`${testApp.url}${target}`, { redirect: 'manual', signal: AbortSignal.timeout(10_000), ...init });
    const contentType = response.headers.get('content-type') ?? '';
    // A change stream that was opened answers for ever: its status and type are what counts.
    if (contentType.startsWith('text/event-stream')) {
      await response.body?.cancel();
      return { status: response.status, contentType, body: '' };
    }
    return { status: response.status, contentType, body: await response.text() };
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    return { failure: `${(error as Error).message}${cause ? ` (${cause.message})` : ''}` };
  }
}

function json(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What is wrong with an answer to hostile input, or undefined: a 5xx, a
 * dropped connection, or a refusal not in the endpoint's format (OAuth's
 * error JSON or the provider's HTML page under /oidc, OFREP's under
 * /ofrep/v1/evaluate, problem details on the API).
 */
export function misfit(target: string, outcome: Outcome | { failure: string }): string | undefined {
  if ('failure' in outcome) return `connection failed: ${outcome.failure}`;
  const { status, contentType, body } = outcome;
  if (status >= 500) return `${status} ${body.slice(0, 200)}`;
  if (status < 400) return undefined;
  const path = target.split('?')[0]!;
  if (path.startsWith('/oidc')) {
    if (contentType.startsWith('text/html')) return /<title>/.test(body) ? undefined : `${status} HTML without a page`;
    return typeof json(body)?.error === 'string' ? undefined : `${status} not an OAuth error: ${contentType} ${body.slice(0, 200)}`;
  }
  if (path.startsWith('/interaction/')) {
    return contentType.startsWith('text/html') || contentType.startsWith('application/problem+json')
      ? undefined
      : `${status} ${contentType} ${body.slice(0, 200)}`;
  }
  // OFREP's evaluation errors are {errorCode, errorDetails}; authentication and authorization stay problem details there too.
  if (path.startsWith('/ofrep/v1/evaluate/') && ![401, 403].includes(status)) {
    const failure = json(body);
    if (typeof failure?.errorCode !== 'string' || typeof failure.errorDetails !== 'string')
      return `${status} not an OFREP error: ${body.slice(0, 200)}`;
    const single = /^\/ofrep\/v1\/evaluate\/flags\/[^/]+$/.test(path);
    return single && typeof failure.key !== 'string' ? `${status} OFREP error without its key` : undefined;
  }
  if (!contentType.startsWith('application/problem+json')) return `${status} not problem+json: ${contentType} ${body.slice(0, 200)}`;
  return json(body)?.status === status ? undefined : `${status} problem with another status: ${body.slice(0, 200)}`;
}

/** Collects what went wrong across many requests, so one failing assertion lists all of them. */
export class Findings {
  readonly items: string[] = [];

  check(label: string, target: string, outcome: Outcome | { failure: string }, expectStatus?: number | number[]): void {
    const wrong = misfit(target, outcome);
    const statuses = expectStatus === undefined ? undefined : [expectStatus].flat();
    const status = 'status' in outcome ? outcome.status : undefined;
    if (wrong) this.items.push(`${label}: ${target.slice(0, 160)} → ${wrong}`);
    else if (statuses && !statuses.includes(status!))
      this.items.push(`${label}: ${target.slice(0, 160)} → ${status}, expected ${statuses.join(' or ')}`);
  }
}
