import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

// Extended-query messages that leave a sequence open until Sync:
// Parse, Bind, Describe, Execute, Close, Flush.
const OPENS_SEQUENCE = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((type) => type.charCodeAt(0)));

/**
 * pglite-socket 0.2 feeds its one PGlite backend a protocol message at a
 * time from whichever connection is next. It keeps a transaction's messages
 * together, but not a Parse/Bind/Execute/Sync sequence: between one
 * connection's Parse and its Bind another connection's Parse may run, and the
 * backend has ONE unnamed statement. Measured here: concurrent Prisma queries
 * failed with "unnamed prepared statement does not exist", and since the
 * queue also stops for good after a failed message, the pool then hung.
 * This replaces the queue's loop on our server instance: a connection keeps
 * the backend until its sequence reaches Sync (as inside a transaction), and
 * a failed message is answered with its error without stopping the queue.
 */
export function keepProtocolSequencesTogether(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue?: QueryQueue }).queryQueue;
  if (
    !queue ||
    !Array.isArray(queue.queue) ||
    typeof queue.processQueue !== 'function' ||
    typeof queue.clearQueueForHandler !== 'function'
  ) {
    throw new Error('@electric-sql/pglite-socket changed its query queue; review keepProtocolSequencesTogether');
  }
  let midSequence = false;

  queue.processQueue = async function processQueue(this: QueryQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = this.lastHandlerId !== null && (midSequence || this.db.isInTransaction()) ? this.lastHandlerId : null;
        const index = owner === null ? 0 : this.queue.findIndex((item) => item.handlerId === owner);
        if (index === -1) break;
        const item = this.queue.splice(index, 1)[0]!;
        this.lastHandlerId = item.handlerId;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          midSequence = false;
          item.reject(error);
          continue;
        }
        midSequence = OPENS_SEQUENCE.has(item.message[0]!);
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };

  const clearQueueForHandler = queue.clearQueueForHandler.bind(queue);
  queue.clearQueueForHandler = (handlerId: number): void => {
    clearQueueForHandler(handlerId);
    // A connection that left mid-sequence must not keep the backend.
    if (queue.lastHandlerId === handlerId && midSequence) {
      midSequence = false;
      void queue.processQueue();
    }
  };
}
