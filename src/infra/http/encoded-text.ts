import { isUtf8 } from 'node:buffer';

/**
 * A string PostgreSQL can store: no NUL (text and jsonb refuse it) and no
 * lone surrogate (not valid Unicode; jsonb refuses the escape, UTF-8 has no
 * encoding for it).
 */
export function isStorableText(value: string): boolean {
  return value.isWellFormed() && !value.includes('\u0000');
}

// A URL is printable ASCII (RFC 3986); anything else arrives as raw bytes.
const URL_TEXT = /^[\x21-\x7e]*$/;

/**
 * Why percent-encoded text (a URL, or an application/x-www-form-urlencoded
 * body) cannot be read, or undefined when it can: every escape is %XX, the
 * bytes they spell are UTF-8 (so no lone surrogate), and none is a NUL.
 * decodeURIComponent is strict on all three where querystring parsers are
 * lenient (they keep "%zz" as is and turn bad UTF-8 into U+FFFD), so the
 * text is checked here once, whatever parser reads it afterwards.
 */
function unreadablePercentEncoding(text: string): string | undefined {
  if (!text.includes('%')) return text.includes('\u0000') ? 'a NUL character' : undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(text);
  } catch {
    return 'a percent-escape that is malformed or does not spell UTF-8';
  }
  return decoded.includes('\u0000') ? 'a NUL character' : undefined;
}

/** Why a request target (path and query) cannot be read, or undefined. */
export function unreadableUrl(url: string): string | undefined {
  if (!URL_TEXT.test(url)) return 'characters a URL cannot carry unencoded';
  return unreadablePercentEncoding(url);
}

/** Why an application/x-www-form-urlencoded body cannot be read, or undefined. */
export function unreadableForm(body: Buffer): string | undefined {
  if (!isUtf8(body)) return 'bytes that are not UTF-8';
  return unreadablePercentEncoding(body.toString('utf8'));
}
