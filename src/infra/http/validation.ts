import { BadRequestException, Body, Query, ValidationPipe, type PipeTransform, type ValidationError } from '@nestjs/common';
import type { FieldError } from './problem-details.js';

export class RequestValidationError extends BadRequestException {
  constructor(readonly fieldErrors: FieldError[]) {
    super('The request is not valid');
  }
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
}

const validation = createValidationPipe();

/**
 * The request body, validated against its DTO class (class-validator: unknown
 * fields refused, types transformed). Controllers take bodies and queries
 * only through these (lint refuses Body and Query from @nestjs/common), so
 * no input goes unchecked; the pipe runs on these parameters alone, not on
 * every parameter of every route, as a global pipe would (a promise chain
 * per parameter per request).
 */
export const ValidBody = (): ParameterDecorator => Body(validation);

/** The query string, validated against its DTO class. */
export const ValidQuery = (): ParameterDecorator => Query(validation);

/**
 * The body as parsed, for a protocol endpoint that checks its own input and
 * answers in its own error format (OFREP's, the sign-in forms').
 */
export const ProtocolBody = (): ParameterDecorator => Body();

/** A query parameter sent more than once arrives as an array: refused, whatever the endpoint does with the value. */
function singleValued(name: string): PipeTransform {
  return {
    transform(value: unknown) {
      if (Array.isArray(value)) throw new RequestValidationError([{ field: name, messages: [`${name} must be sent once`] }]);
      return value;
    },
  };
}

/** One query parameter as sent (once: a repeated one is a 400), for a protocol endpoint that checks it itself. */
export const ProtocolQuery = (name: string): ParameterDecorator => Query(name, singleValued(name));

/** Every query parameter as sent (each once: a repeated one is a 400), for pages that read several and check them themselves. */
export const ProtocolQueries = (): ParameterDecorator =>
  Query({
    transform(value: unknown) {
      const query = (value ?? {}) as Record<string, unknown>;
      const repeated = Object.keys(query).filter((name) => Array.isArray(query[name]));
      if (repeated.length)
        throw new RequestValidationError(repeated.map((name) => ({ field: name, messages: [`${name} must be sent once`] })));
      return query;
    },
  });
