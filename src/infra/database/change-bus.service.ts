import { EventEmitter } from 'node:events';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { DatabaseService } from './database.service.js';

export const CHANGE_CHANNEL = 'tenantry_changes';

/** Each module names its own topics (a client changed, a tenant changed...). */
export type ChangeTopic = string;

export interface Change {
  topic: ChangeTopic;
  /** Which entity of the topic changed (its id). */
  key: string;
}

const RECONNECT_DELAY_MS = 1_000;
const RESYNC = 'resync';

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
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly database: DatabaseService) {
    this.events.setMaxListeners(0);
  }

  subscribe(topic: ChangeTopic, handler: (key: string) => void): void {
    this.events.on(topic, handler);
  }

  /** Called after notifications may have been missed (the listener reconnected): drop everything cached. */
  onResync(handler: () => void): void {
    this.events.on(RESYNC, handler);
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
    const lost = (reason: string): void => {
      if (this.listener !== client) return;
      this.listener = undefined;
      void client.end().catch(() => undefined);
      this.logger.warn(`change listener lost its connection (${reason}); reconnecting`);
      this.scheduleReconnect();
    };
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('connection ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (error) {
      // Connected but not listening (the server went away in between): close it, or it would stay open unused.
      await client.end().catch(() => undefined);
      throw error;
    }
    this.listener = client;
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.listen().then(
        () => {
          this.logger.log('change listener reconnected; dropping caches that may have missed changes');
          this.events.emit(RESYNC);
        },
        (error: Error) => {
          this.logger.warn(`change listener could not reconnect: ${error.message}`);
          this.scheduleReconnect();
        },
      );
    }, RECONNECT_DELAY_MS);
    this.reconnectTimer.unref();
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
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }
}
