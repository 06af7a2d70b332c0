export interface ErrorDefinition {
  status: number;
  title: string;
}

/**
 * Base of each module's error type. A module declares its codes once with
 * their HTTP status and title; services throw `new TenantsError('TENANT_NOT_FOUND')`
 * and never an HttpException. The global ProblemDetailsFilter renders them.
 */
export abstract class DomainError<Code extends string = string> extends Error {
  abstract readonly definitions: Record<Code, ErrorDefinition>;

  constructor(
    readonly code: Code,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? code);
  }

  get definition(): ErrorDefinition {
    return this.definitions[this.code];
  }
}

/** `TENANT_NOT_FOUND` → `urn:tenantry:problem:tenant-not-found`. */
export function problemType(code: string): string {
  return `urn:tenantry:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}
