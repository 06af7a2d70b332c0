import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient as ControlPrismaClient } from '../../generated/control/client.js';
import { isDatabaseUnavailable } from './database-unavailable.js';
import { PRISMA_CLIENT_OPTIONS } from './database.service.js';

/** A server message as pg-protocol's parser builds it: a DatabaseError with the fields of the ErrorResponse. */
function serverError(code: string, message: string, severity = 'FATAL'): pg.DatabaseError {
  return Object.assign(new pg.DatabaseError(message, message.length, 'error'), { code, severity });
}

/** A socket error as Node's net module raises it for a refused connection. */
function refused(): NodeJS.ErrnoException {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
    errno: -111,
    code: 'ECONNREFUSED',
    syscall: 'connect',
    address: '127.0.0.1',
    port: 5432,
  });
}

/** A pool that never reaches a server: every query and checkout fails with the given error, as pg reports it. */
class FailingPool extends pg.Pool {
  constructor(private readonly failure: Error) {
    super({ max: 1 });
  }

  override query(): never {
    throw this.failure;
  }

  override connect(): never {
    throw this.failure;
  }
}

/** A pool whose connections never come (every one is in use, or the server does not answer). */
class ExhaustedPool extends pg.Pool {
  constructor() {
    super({ max: 1 });
  }

  override connect(): never {
    return new Promise(() => undefined) as never;
  }
}

/** What Prisma 7 (through @prisma/adapter-pg) throws when pg fails with `failure`: the real wrapping, no server needed. */
async function throughPrisma(failure: Error | pg.Pool, work: (prisma: ControlPrismaClient) => Promise<unknown>): Promise<unknown> {
  const prisma = new ControlPrismaClient({
    ...PRISMA_CLIENT_OPTIONS,
    adapter: new PrismaPg(failure instanceof pg.Pool ? failure : new FailingPool(failure), { schema: 'tenantry' }),
  });
  try {
    await work(prisma);
  } catch (error) {
    return error;
  } finally {
    await prisma.$disconnect();
  }
  throw new Error('expected the query to fail');
}

describe(isDatabaseUnavailable.name, () => {
  describe('pg errors, as they reach us from the pool', () => {
    it.each([
      ['57P01 admin_shutdown (fast shutdown or restart)', serverError('57P01', 'terminating connection due to administrator command')],
      ['57P02 crash_shutdown', serverError('57P02', 'terminating connection because of crash of another server process')],
      ['57P03 cannot_connect_now (starting up or shutting down)', serverError('57P03', 'the database system is shutting down')],
      ['08006 connection_failure', serverError('08006', 'connection failure')],
      ['53300 too_many_connections', serverError('53300', 'sorry, too many clients already')],
    ])('recognises the server message %s', (_name, error) => {
      expect(isDatabaseUnavailable(error)).toBe(true);
    });

    it('recognises a refused connection', () => {
      expect(isDatabaseUnavailable(refused())).toBe(true);
    });

    it('recognises a refused dual-stack connection (an AggregateError of both attempts)', () => {
      const error = Object.assign(new AggregateError([refused(), refused()], ''), { code: undefined });
      expect(isDatabaseUnavailable(error)).toBe(true);
    });

    it('recognises a Unix-socket server that is not running', () => {
      const error = Object.assign(new Error('connect ENOENT /run/postgresql/.s.PGSQL.5432'), { code: 'ENOENT', syscall: 'connect' });
      expect(isDatabaseUnavailable(error)).toBe(true);
    });

    it.each([
      'Connection terminated unexpectedly',
      'Client has encountered a connection error and is not queryable',
      'timeout exceeded when trying to connect',
    ])('recognises pg’s code-less "%s"', (message) => {
      expect(isDatabaseUnavailable(new Error(message))).toBe(true);
    });

    it('recognises a connect timeout, which pg-pool wraps around the socket’s error', () => {
      expect(
        isDatabaseUnavailable(new Error('Connection terminated due to connection timeout', { cause: new Error('timeout expired') })),
      ).toBe(true);
    });
  });

  describe('Prisma 7 errors wrapping them (driver adapter)', () => {
    it('recognises P1001 from a model query when the server refuses connections', async () => {
      const error = await throughPrisma(refused(), (prisma) => prisma.tenant.findMany());
      expect(error).toMatchObject({ name: 'PrismaClientKnownRequestError', code: 'P1001' });
      expect(isDatabaseUnavailable(error)).toBe(true);
    });

    it('recognises a raw query’s P2010 carrying the server’s 57P01 in meta.driverAdapterError', async () => {
      const error = await throughPrisma(
        serverError('57P01', 'terminating connection due to administrator command'),
        (prisma) => prisma.$queryRaw`SELECT 1`,
      );
      expect(error).toMatchObject({ code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'postgres', originalCode: '57P01' } } } });
      expect(isDatabaseUnavailable(error)).toBe(true);
    });

    it('recognises a model query’s P2039 carrying 57P03', async () => {
      const error = await throughPrisma(serverError('57P03', 'the database system is starting up'), (prisma) => prisma.tenant.findMany());
      expect(error).toMatchObject({ code: 'P2039' });
      expect(isDatabaseUnavailable(error)).toBe(true);
    });

    it('recognises a transaction that cannot start', async () => {
      const error = await throughPrisma(refused(), (prisma) => prisma.$transaction(async (tx) => tx.tenant.findMany()));
      expect(isDatabaseUnavailable(error)).toBe(true);
    });

    it('recognises the pool timeout, which Prisma passes on unwrapped', async () => {
      const error = await throughPrisma(new Error('timeout exceeded when trying to connect'), (prisma) => prisma.tenant.findMany());
      expect(error).toMatchObject({ message: 'timeout exceeded when trying to connect' });
      expect(isDatabaseUnavailable(error)).toBe(true);
    });

    it('recognises a transaction that waited longer than its maxWait for a connection (P2028)', async () => {
      const error = await throughPrisma(new ExhaustedPool(), (prisma) =>
        prisma.$transaction(async (tx) => tx.tenant.findMany(), { maxWait: 20 }),
      );
      expect(error).toMatchObject({ code: 'P2028' });
      expect(isDatabaseUnavailable(error)).toBe(true);
    });

    it('does not mistake other misuse of the transaction API (P2028) for an outage', () => {
      const error = Object.assign(
        new Error('Transaction API error: Transaction already closed: A query cannot be executed on a committed transaction.'),
        {
          code: 'P2028',
        },
      );
      expect(isDatabaseUnavailable(error)).toBe(false);
    });

    it('does not mistake a unique violation for an outage', async () => {
      const error = await throughPrisma(
        Object.assign(serverError('23505', 'duplicate key value violates unique constraint "tenants_slug_key"', 'ERROR'), {
          constraint: 'tenants_slug_key',
        }),
        (prisma) => prisma.$queryRaw`SELECT 1`,
      );
      expect(error).toMatchObject({ code: 'P2010' });
      expect(isDatabaseUnavailable(error)).toBe(false);
    });
  });

  it('follows a wrapper that keeps the database error as its cause', () => {
    expect(isDatabaseUnavailable(new Error('lookup failed', { cause: refused() }))).toBe(true);
  });

  it.each([
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a serialization failure (a conflict, retried elsewhere)', serverError('40001', 'could not serialize access', 'ERROR')],
    ['a statement timeout', serverError('57014', 'canceling statement due to statement timeout', 'ERROR')],
    ['a missing file', Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT', syscall: 'open' })],
    ['a domain error code', Object.assign(new Error('not found'), { code: 'TENANT_NOT_FOUND' })],
    ['a string', 'Connection terminated unexpectedly, said someone'],
    ['nothing', undefined],
  ])('does not mistake %s for an outage', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('stops on a cause chain that loops', () => {
    const first = new Error('first');
    const second = new Error('second', { cause: first });
    (first as { cause?: unknown }).cause = second;
    expect(isDatabaseUnavailable(first)).toBe(false);
  });
});
