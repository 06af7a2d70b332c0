import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../infra/database/database-unavailable.js';
import { ConsoleError } from './console.errors.js';
import { redirect, sendPage } from './console-http.js';
import { errorPage } from './views/sign-in.views.js';

/** Console pages are read by people: errors are pages (or a redirect to sign in), never JSON. */
@Catch()
export class ConsolePagesFilter implements ExceptionFilter {
  private readonly logger = new Logger(ConsolePagesFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    if (exception instanceof ConsoleError) {
      if (exception.code === 'CONSOLE_SIGN_IN_REQUIRED' && request.method === 'GET') return redirect(reply, '/console/login');
      return sendPage(
        reply,
        exception.definition.status,
        errorPage(exception.definition.title, exception.detail ?? '', exception.code !== 'CONSOLE_SIGN_IN_REQUIRED'),
      );
    }
    if (isDatabaseUnavailable(exception)) {
      void reply.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      return sendPage(
        reply,
        503,
        errorPage(
          'Temporarily unavailable',
          `The console cannot reach its database. Try again in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`,
        ),
      );
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      return sendPage(reply, exception.getStatus(), errorPage('Request refused', exception.message));
    }
    const errorId = randomUUID();
    this.logger.error(
      `console page failed (error id ${errorId}): ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
    );
    sendPage(reply, 500, errorPage('Something went wrong', `The console could not show this page. Error id: ${errorId}.`));
  }
}
