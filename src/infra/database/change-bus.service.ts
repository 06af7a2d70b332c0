import { EventEmitter } from 'node:events';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { DatabaseService } from './database.service.js';

export const CHANGE_CHANNEL = 'tenantry_changes';

export type ChangeTopic = 'client' | 'tenant' | 'feature' | 'tenant-feature' | 'signing-keys' | 'access-token' | 'grant';

export interface Change {
  topic: ChangeTopic;
  /** Which entity changed: a client id, a tenant id, a feature key... */
  key: string;
}

const RECONNECT_DELAY_MS = 1_000;

/**
 * Tells every instance that something changed, so in-process caches drop
 * it: PostgreSQL LISTEN/NOTIFY, no extra broker. The writer's own instance
 * hears of it at once; others when PostgreSQL delivers the notification.
 * (PGlite runs one backend for all connections, so on the embedded database
 * notifications do not cross processes; caches' TTLs bound staleness there.)
 */
@Injectable()
export class ChangeBus implements OnApplicationShutdown {
  private readonly logger = new Logger(ChangeBus.name);
  private readonly events = new EventEmitter();
  private listener: pg.Client | undefined;
  private stopped = false;

  constructor(private readonly database: DatabaseService) {
    this.events.setMaxListeners(0);
  }

  subscribe(topic: ChangeTopic, handler: (key: string) => void): void {
    this.events.on(topic, handler);
  }

  /**
   * Call after the write committed. A failed notification is logged, not
   * thrown: the write stands, and other instances' TTLs catch up.
   */
  async publish(change: Change): Promise<void> {
    this.events.emit(change.topic, change.key);
    try {
      await this.database.pool.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify(change)]);
    } catch (error) {
      this.logger.warn(`could not notify other instances of a ${change.topic} change: ${(error as Error).message}`);
    }
  }

  /** Starts listening for other instances' changes (server databases only). */
  async listen(): Promise<void> {
    if (this.database.embedded || this.stopped) return;
    const client = new pg.Client(this.database.connectionConfig);
    client.on('notification', (message) => this.receive(message.payload));
    client.on('error', (error) => {
      this.logger.warn(`change listener lost its connection (${error.message}); reconnecting`);
      this.reconnect(client);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    this.listener = client;
  }

  private reconnect(failed: pg.Client): void {
    if (this.listener !== failed || this.stopped) return;
    this.listener = undefined;
    void failed.end().catch(() => undefined);
    setTimeout(() => {
      this.listen().catch((error: Error) => {
        this.logger.warn(`change listener could not reconnect: ${error.message}`);
        this.reconnect(failed);
      });
    }, RECONNECT_DELAY_MS).unref();
  }

  private receive(payload: string | undefined): void {
    try {
      const change = JSON.parse(payload ?? '') as Change;
      if (typeof change.topic === 'string' && typeof change.key === 'string') this.events.emit(change.topic, change.key);
    } catch {
      this.logger.warn('ignored a malformed change notification');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.listener?.end().catch(() => undefined);
  }
}
