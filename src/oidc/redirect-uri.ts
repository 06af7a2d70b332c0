const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * RFC 9700 §2.1 and RFC 8252: redirect URIs are absolute, carry no fragment,
 * use https (http only on loopback), or a private-use scheme in reverse-domain
 * form for native apps. Returns the problem, or undefined when acceptable.
 */
export function validateRedirectUri(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URI';
  }
  if (url.hash || value.includes('#')) return 'must not contain a fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') return LOOPBACK_HOSTS.has(url.hostname) ? undefined : 'must use https (http only on localhost)';
  if (/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) return undefined;
  return 'must use https, http on localhost, or a reverse-domain private-use scheme';
}

/**
 * A web origin a client may call from (CORS): `scheme://host[:port]` and
 * nothing else, https (http only on loopback), never `null` or `*`. Returns
 * the problem, or undefined when acceptable.
 */
export function validateWebOrigin(value: string): string | undefined {
  const url = URL.parse(value);
  if (!url || !/^https?:$/.test(url.protocol)) return 'is not an http(s) origin';
  if (url.origin !== value) return `must be an origin alone (scheme, host, port), like ${url.origin}`;
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) return 'must use https (http only on localhost)';
  return undefined;
}
