// The node:http baseline: answers every request with the response Tenantry
// gave to the same request (status, ETag, content type and bytes), sent once
// over IPC by the benchmark, so a ratio measures Tenantry's own cost.
import { createServer } from 'node:http';

let answer = { status: 200, headers: {}, body: Buffer.alloc(0) };

process.on('message', (message) => {
  if (message?.type !== 'respond') return;
  const body = Buffer.from(message.body, 'base64');
  answer = {
    status: message.status,
    headers: { ...message.headers, ...(message.status === 304 ? {} : { 'content-length': body.length }) },
    body,
  };
  process.send?.({ type: 'ready' });
});

createServer((request, response) => {
  response.writeHead(answer.status, answer.headers);
  response.end(answer.status === 304 ? undefined : answer.body);
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.({ type: 'listening' }));
