import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../../infra/database/database-unavailable.js';
import { ProblemDetailsFilter } from '../../infra/http/problem-details.filter.js';
import { PAGE_SECURITY_HEADERS } from '../pages/html.js';
import { temporarilyUnavailablePage } from '../pages/interaction.pages.js';

/**
 * The sign-in pages are read by people: while the database is unreachable
 * they show a page saying so (503, Retry-After) rather than a JSON problem.
 * Every other error is the global filter's.
 */
@Catch()
export class InteractionPagesFilter implements ExceptionFilter {
  private readonly problems = new ProblemDetailsFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    if (!isDatabaseUnavailable(exception)) return this.problems.catch(exception, host);
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .code(HttpStatus.SERVICE_UNAVAILABLE)
      .headers({ ...PAGE_SECURITY_HEADERS, 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) })
      .type('text/html; charset=utf-8')
      .send(temporarilyUnavailablePage(DATABASE_RETRY_AFTER_SECONDS));
  }
}
