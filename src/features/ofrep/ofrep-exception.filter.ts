import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { OfrepError } from './ofrep-evaluation.js';

/** OFREP endpoints answer evaluation failures in OFREP's own format, as OAuth endpoints keep OAuth's. */
@Catch(OfrepError)
export class OfrepExceptionFilter implements ExceptionFilter {
  catch(exception: OfrepError, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().status(exception.status).json(exception.body);
  }
}
