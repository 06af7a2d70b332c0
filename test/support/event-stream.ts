export interface StreamEvent {
  id?: string;
  event?: string;
  data: Record<string, unknown>;
}

/** A Server-Sent Events client over fetch (with the Authorization header EventSource cannot send). */
export class EventStreamClient {
  private readonly events: StreamEvent[] = [];
  private waiters: (() => void)[] = [];
  private buffer = '';
  /** The fields of the last message that carried no data (the retry hint and resume point). */
  private lastControl: Record<string, string> | undefined;
  private finished!: Promise<Record<string, string> | undefined>;
  private finish!: () => void;

  private constructor(
    private readonly controller: AbortController,
    readonly status: number,
  ) {}

  static async open(url: string, token: string, lastEventId?: string): Promise<EventStreamClient> {
    const controller = new AbortController();
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      signal: controller.signal,
    });
    const client = new EventStreamClient(controller, response.status);
    client.finished = new Promise((resolve) => (client.finish = () => resolve(client.lastControl)));
    if (response.body) void client.read(response.body);
    return client;
  }

  /** The next event, or an error after timeoutMs. */
  async next(timeoutMs = 5_000): Promise<StreamEvent> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events.shift()!;
  }

  get pending(): number {
    return this.events.length;
  }

  close(): void {
    this.controller.abort();
  }

  /** Resolves when the server ends the stream, with its last data-less message (retry, id). */
  ended(timeoutMs = 5_000): Promise<Record<string, string> | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the stream did not end within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([this.finished, timeout]).finally(() => clearTimeout(timer));
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body) {
        this.buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = this.buffer.indexOf('\n\n')) !== -1) {
          this.parse(this.buffer.slice(0, end));
          this.buffer = this.buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted by close()
    }
    this.finish();
  }

  private parse(block: string): void {
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':') || !line.includes(':')) continue;
      const [name, ...rest] = line.split(':');
      fields[name!] = rest.join(':').replace(/^ /, '');
    }
    if (fields.data === undefined) {
      if (Object.keys(fields).length > 0) this.lastControl = fields;
      return;
    }
    this.events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) as Record<string, unknown> });
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
