import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { API_KEY_PREFIXES, type ApiKeyKind } from '../auth/api-key.port.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 32 base62 characters: about 190 bits from the CSPRNG. */
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
/** What a listing shows of a key: its kind's prefix and the first random characters. */
const DISPLAY_LENGTH = 10;
const KEY_PATTERN = /^(tpk|tsk)_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$/;
const ID_LENGTH = 20;

/** Uniform base62 characters from the CSPRNG (bytes of 248 and above are drawn again: 248 = 4 × 62). */
export function randomBase62(length: number): string {
  let text = '';
  while (text.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && text.length < length) text += BASE62[byte % 62];
    }
  }
  return text;
}

function base62(value: number, width: number): string {
  let text = '';
  for (let rest = value; rest > 0; rest = Math.floor(rest / 62)) text = BASE62[rest % 62] + text;
  return text.padStart(width, '0');
}

/** A CRC32 of prefix and random part, in 6 base62 characters (62^6 > 2^32): a typo or a truncation is caught offline. */
function checksum(body: string): string {
  return base62(crc32(body), CHECKSUM_LENGTH);
}

export interface GeneratedKey {
  key: string;
  /** What a listing shows. */
  prefix: string;
}

/** `tpk_` / `tsk_`, 32 random base62 characters, then a 6-character checksum (the layout of GitHub's tokens). */
export function generateApiKey(kind: ApiKeyKind): GeneratedKey {
  const body = API_KEY_PREFIXES[kind] + randomBase62(RANDOM_LENGTH);
  const key = body + checksum(body);
  return { key, prefix: key.slice(0, DISPLAY_LENGTH) };
}

/** The kind of a well-formed key whose checksum matches; undefined for anything else (refused without a lookup). */
export function apiKeyKind(key: string): ApiKeyKind | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  const body = `${match[1]}_${match[2]}`;
  if (checksum(body) !== match[3]) return undefined;
  return match[1] === 'tpk' ? 'publishable' : 'secret';
}

/** A key's public identifier: what listings, logs and the audit trail name it by. */
export function generateApiKeyId(): string {
  return `key_${randomBase62(ID_LENGTH)}`;
}

export const API_KEY_ID_PATTERN = /^key_[0-9A-Za-z]{20}$/;
