import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { ServerConfig } from '../config/app-config.js';
import { ConsoleError } from './console.errors.js';
import { ConsoleIssuer } from './console-issuer.service.js';
import type { ConsoleSession } from './console-session.js';
import { ConsoleSessionsService } from './console-sessions.service.js';

export interface ApiAnswer<Body = Record<string, unknown>> {
  status: number;
  body: Body;
  headers: Record<string, string | undefined>;
}

/** The parts of an RFC 9457 problem the pages show. */
export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  errors?: { field: string; messages: string[] }[];
}

// Refresh a little before expiry, so a request never leaves with a token about to lapse.
const REFRESH_MARGIN_MS = 30_000;

/**
 * The console calls the public API as the person signed in: their access
 * token, in-process through Fastify's inject(), so the same routes, guards,
 * scopes and audit trail apply as for any client. The token never leaves
 * the server.
 */
@Injectable()
export class ConsoleApi {
  private readonly logger = new Logger(ConsoleApi.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly issuer: ConsoleIssuer,
    private readonly sessions: ConsoleSessionsService,
    private readonly server: ServerConfig,
  ) {}

  async call<Body = Record<string, unknown>>(
    session: ConsoleSession,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiAnswer<Body>> {
    if (session.accessExpiresAt.getTime() - REFRESH_MARGIN_MS <= Date.now()) await this.refresh(session);
    let answer = await this.send<Body>(session, method, path, options);
    if (answer.status === 401) {
      await this.refresh(session);
      answer = await this.send<Body>(session, method, path, options);
    }
    return answer;
  }

  private async send<Body>(
    session: ConsoleSession,
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> },
  ): Promise<ApiAnswer<Body>> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const base = new URL(this.server.publicUrl);
    const response = await fastify.inject({
      method: method as 'GET',
      url: path,
      headers: {
        host: base.host,
        authorization: `Bearer ${session.tokens.accessToken}`,
        accept: 'application/json',
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}),
    });
    const text = response.body;
    let body: unknown = {};
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = { detail: text };
      }
    }
    return { status: response.statusCode, body: body as Body, headers: response.headers as Record<string, string | undefined> };
  }

  /** A new access token with the refresh token; without one (or refused), the session is over. */
  private async refresh(session: ConsoleSession): Promise<void> {
    const refreshToken = session.tokens.refreshToken;
    if (!refreshToken) return this.expire(session);
    try {
      const issued = await this.issuer.refresh(refreshToken);
      await this.sessions.saveTokens(
        session,
        {
          accessToken: issued.accessToken,
          refreshToken: issued.refreshToken ?? refreshToken,
          idToken: issued.idToken ?? session.tokens.idToken,
        },
        issued.expiresAt,
      );
    } catch (error) {
      this.logger.log(`console session refresh refused: ${(error as Error).name}`);
      await this.expire(session);
    }
  }

  private async expire(session: ConsoleSession): Promise<never> {
    await this.sessions.end(session);
    throw new ConsoleError('CONSOLE_SIGN_IN_REQUIRED', 'Your console session has ended; sign in again.');
  }
}

export function problemOf(answer: ApiAnswer<unknown>): Problem {
  const body = (answer.body ?? {}) as Partial<Problem>;
  return { status: answer.status, title: body.title, detail: body.detail, errors: body.errors };
}
