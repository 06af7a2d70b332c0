// Baseline (e): bare node:http answering a fixed body shaped like
// GET /api/v1/me/features with 10 flags: the ceiling for that response.
import { createServer } from 'node:http';

const body = JSON.stringify({
  tenant: 'acme',
  items: Array.from({ length: 10 }, (_, index) => ({
    key: `flag-${index}`,
    description: '',
    enabled: index % 2 === 0,
    source: index < 5 ? 'tenant' : 'default',
    updatedAt: index < 5 ? new Date().toISOString() : null,
  })),
});

createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
