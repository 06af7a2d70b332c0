import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawExchange {
  /** Every complete response read on the connection, in order. */
  responses: RawResponse[];
  /** How the connection ended: the server closed it (FIN), we closed it after waiting, or a reset / write error. */
  ending: 'closed-by-server' | 'closed-by-us' | `error ${string}`;
}

/** Splits what a server sent on one connection into responses (Content-Length or chunked bodies). */
function parseResponses(data: Buffer): RawResponse[] {
  const responses: RawResponse[] = [];
  let offset = 0;
  while (offset < data.length) {
    const headEnd = data.indexOf('\r\n\r\n', offset);
    if (headEnd < 0) break;
    const [statusLine, ...lines] = data.subarray(offset, headEnd).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    let cursor = headEnd + 4;
    let body: Buffer;
    if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        const sizeEnd = data.indexOf('\r\n', cursor);
        if (sizeEnd < 0) return responses;
        const size = parseInt(data.subarray(cursor, sizeEnd).toString('latin1'), 16);
        cursor = sizeEnd + 2 + size + 2;
        if (size === 0) break;
        parts.push(data.subarray(sizeEnd + 2, sizeEnd + 2 + size));
      }
      body = Buffer.concat(parts);
    } else {
      const length = Number(headers['content-length'] ?? 0);
      if (cursor + length > data.length) return responses;
      body = data.subarray(cursor, cursor + length);
      cursor += length;
    }
    responses.push({ status: Number(statusLine!.split(' ')[1]), headers, body: body.toString('utf8') });
    offset = cursor;
  }
  return responses;
}

/**
 * Writes raw bytes on one keep-alive connection (no client library to
 * normalise them), then reads until the server closes it or `waitMs` pass.
 * Writes go out in the order given, each part after the previous one was
 * handed to the socket.
 */
export function rawExchange(port: number, parts: (string | Buffer)[], waitMs = 1_500): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let ending: RawExchange['ending'] | undefined;
    const finish = () => resolve({ responses: parseResponses(Buffer.concat(chunks)), ending: ending ?? 'closed-by-server' });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => (ending ??= `error ${error.code ?? error.message}`));
    socket.on('close', finish);
    const timer = setTimeout(() => {
      ending ??= 'closed-by-us';
      socket.destroy();
    }, waitMs);
    socket.on('close', () => clearTimeout(timer));
    socket.on('connect', () => {
      for (const part of parts) socket.write(part);
    });
  });
}

/** A request head for rawExchange. */
export function requestHead(method: string, target: string, headers: Record<string, string | number> = {}): string {
  const lines = Object.entries({ host: '127.0.0.1', ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `${method} ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}
