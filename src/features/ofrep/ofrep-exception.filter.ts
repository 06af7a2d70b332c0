import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OfrepError } from './ofrep-evaluation.js';

/** OFREP endpoints answer evaluation failures in OFREP's own format, as OAuth endpoints keep OAuth's. */
@Catch(OfrepError)
export class OfrepExceptionFilter implements ExceptionFilter {
  catch(exception: OfrepError, host: ArgumentsHost): void {
    void host.switchToHttp().getResponse<FastifyReply>().code(exception.status).send(exception.body);
  }
}
