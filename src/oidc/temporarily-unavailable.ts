import { Logger } from '@nestjs/common';
import { errors, type Adapter, type AdapterConstructor, type AdapterPayload, type KoaContextWithOIDC } from 'oidc-provider';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../infra/database/database-unavailable.js';

const DESCRIPTION = `the authorization server is temporarily unavailable; retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds`;
const logger = new Logger('AuthorizationServer');

/**
 * RFC 6749's `temporarily_unavailable` (§4.1.2.1), answered with 503. The
 * provider's own class is a 400, and it renders any unexposed 5xx as
 * `server_error`, so this one is exposed: the token endpoint answers it as
 * JSON, the authorization endpoint redirects it to the client when it can,
 * and browser pages show it. It keeps the database error as its cause.
 */
export class TemporarilyUnavailable extends errors.TemporarilyUnavailable {
  constructor(cause: unknown) {
    super(DESCRIPTION, { cause });
    this.status = 503;
    this.statusCode = 503;
    this.expose = true;
  }
}

/** Runs a storage or lookup call the provider makes; a database outage becomes a TemporarilyUnavailable the provider renders as such. */
export async function orTemporarilyUnavailable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TemporarilyUnavailable || !isDatabaseUnavailable(error)) throw error;
    logger.warn(`database unavailable: ${error instanceof Error ? error.message.trim().split('\n').at(-1) : String(error)}`);
    throw new TemporarilyUnavailable(error);
  }
}

/** The provider's storage, with database outages reported as TemporarilyUnavailable. */
export function unavailableWhileDatabaseIsDown(Storage: AdapterConstructor): AdapterConstructor {
  return class StorageWhileDatabaseIsDown implements Adapter {
    private readonly storage: Adapter;

    constructor(model: string) {
      this.storage = new Storage(model);
    }

    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<undefined | void> {
      return orTemporarilyUnavailable(() => this.storage.upsert(id, payload, expiresIn));
    }

    find(id: string): Promise<AdapterPayload | undefined | void> {
      return orTemporarilyUnavailable(() => this.storage.find(id));
    }

    findByUserCode(userCode: string): Promise<AdapterPayload | undefined | void> {
      return orTemporarilyUnavailable(() => this.storage.findByUserCode(userCode));
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined | void> {
      return orTemporarilyUnavailable(() => this.storage.findByUid(uid));
    }

    consume(id: string): Promise<undefined | void> {
      return orTemporarilyUnavailable(() => this.storage.consume(id));
    }

    destroy(id: string): Promise<undefined | void> {
      return orTemporarilyUnavailable(() => this.storage.destroy(id));
    }

    revokeByGrantId(grantId: string): Promise<undefined | void> {
      return orTemporarilyUnavailable(() => this.storage.revokeByGrantId(grantId));
    }
  };
}

/**
 * A provider middleware (provider.use), outermost: every 503 the provider
 * renders gets Retry-After and no-store, and a database outage that escapes
 * the provider's own error handling (one of our middlewares) is answered as
 * `temporarily_unavailable` rather than Koa's plain-text 500.
 */
export function answerTemporarilyUnavailable() {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<void> => {
    try {
      await next();
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      ctx.status = 503;
      ctx.body = { error: 'temporarily_unavailable', error_description: DESCRIPTION };
    }
    if (ctx.status === 503) {
      ctx.set('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      ctx.set('Cache-Control', 'no-store');
    }
  };
}
