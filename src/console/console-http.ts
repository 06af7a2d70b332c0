import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleSession } from './console-session.js';

export const SESSION_COOKIE = 'tenantry_console';
export const PENDING_COOKIE = 'tenantry_console_signin';
export const CONSOLE_COOKIE_PATH = '/console';

/** The console's pages: own scripts and styles only, nothing external, not frameable. */
export const CONSOLE_SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
};

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

/** HttpOnly, SameSite=Lax, Secure when PUBLIC_URL is https, scoped to /console. */
export function cookie(name: string, value: string, options: { secure: boolean; maxAgeSeconds?: number }): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${CONSOLE_COOKIE_PATH}`, 'HttpOnly', 'SameSite=Lax'];
  if (options.secure) parts.push('Secure');
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  return parts.join('; ');
}

export function sendPage(reply: FastifyReply, status: number, html: string, cookies: string[] = []): void {
  if (cookies.length) void reply.header('Set-Cookie', cookies);
  void reply.code(status).headers(CONSOLE_SECURITY_HEADERS).type('text/html; charset=utf-8').send(html);
}

export function redirect(reply: FastifyReply, location: string, cookies: string[] = []): void {
  if (cookies.length) void reply.header('Set-Cookie', cookies);
  void reply.code(303).header('Location', location).header('Cache-Control', 'no-store').send();
}

export interface WithConsoleSession extends FastifyRequest {
  consoleSession?: ConsoleSession;
}

/** The session ConsoleSessionGuard found. */
export const CurrentSession = createParamDecorator((_data: unknown, context: ExecutionContext): ConsoleSession => {
  const session = context.switchToHttp().getRequest<WithConsoleSession>().consoleSession;
  if (!session) throw new Error('CurrentSession used on a route without ConsoleSessionGuard');
  return session;
});

/** A form field of a urlencoded body, as one string. */
export function formField(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : '';
  return typeof value === 'string' ? value : '';
}

export function formFields(body: unknown, name: string): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? [value] : [];
}
