// Serves a signed map on 127.0.0.1 and loads it through a shared undici Agent.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { loadConnectorServiceMap, signServiceMap } from '@cortex-mcp/service-map-loader';
import { Agent } from 'undici';

const signatureKey = 'demo-signing-key'; // in production: process.env.CONNECTORS_SIGNATURE_KEY
const map = signServiceMap(
  {
    id: '01JH2Z8XQ5T3V9W7Y1A4B6C8D0',
    brand: 'brAInwav',
    generatedAt: new Date().toISOString(),
    ttlSeconds: 300,
    connectors: [
      { id: 'arxiv', version: '1.0.0', name: 'arXiv', scopes: ['search:query'], status: 'enabled', ttl: 300 },
    ],
  },
  signatureKey,
);
const server = createServer((request, response) => {
  if (request.headers['if-none-match'] === '"v1"') return void response.writeHead(304).end();
  response.writeHead(200, { 'content-type': 'application/json', etag: '"v1"' }).end(JSON.stringify(map));
}).listen(0, '127.0.0.1');
await once(server, 'listening');

const agent = new Agent({ connections: 10, pipelining: 1 });
const options = {
  serviceMapUrl: `http://127.0.0.1:${server.address().port}/service-map`,
  dispatcher: agent,
  signatureKey,
  timeoutMs: 5_000,
};
const first = await loadConnectorServiceMap(options);
if (!first.notModified) {
  console.log(first.payload.connectors.map((connector) => connector.id)); // [ 'arxiv' ]
  console.log(new Date(first.expiresAtMs).toISOString(), first.etag); // <generatedAt + 5 min> "v1"
  const again = await loadConnectorServiceMap({
    ...options,
    etag: first.etag,
    notBefore: first.generatedAtMs,
  });
  console.log(again); // { notModified: true, etag: '"v1"' }
}
await agent.close();
server.close();
