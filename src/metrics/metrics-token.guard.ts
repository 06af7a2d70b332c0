// RFC 6750 §2.1: /metrics answers only a request carrying METRICS_TOKEN as its Bearer credential; deny by default.
import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { presentedToken } from '../auth/verified-token.cache.js';
import { MetricsConfig } from '../config/app-config.js';
import { MetricsError } from './metrics.errors.js';

// Compared as digests: equal lengths for timingSafeEqual, and no early exit on the first differing byte or on a length.
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(config: MetricsConfig) {
    this.expected = config.token === undefined ? undefined : digest(config.token);
  }

  canActivate(context: ExecutionContext): boolean {
    const presented = presentedToken(context.switchToHttp().getRequest<FastifyRequest>().headers.authorization);
    const token = presented?.scheme === 'bearer' ? presented.token : undefined;
    if (!token) throw new MetricsError('METRICS_TOKEN_MISSING', 'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.');
    if (!this.expected || !timingSafeEqual(digest(token), this.expected)) {
      throw new MetricsError('METRICS_TOKEN_INVALID', 'This is not the metrics token.');
    }
    return true;
  }
}
