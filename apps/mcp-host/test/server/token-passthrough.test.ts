// Issue 6, "Client side": a client's own Authorization header (and its cookies) never reach a connector — the MCP
// token-passthrough rule. End to end: a real SDK client → the host's HTTP surface → the ConnectorProxyManager's
// proxies → a real SDK upstream that records every request it receives.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HostMetrics } from '../../src/metrics.js';
import { createHostHttpServer, type HostHttpServer } from '../../src/server/index.js';
import { entry, mapOf, TestBed } from '../manager/fixtures.js';
import { type HeaderRecordingUpstream, startHeaderRecordingUpstream } from './header-recording-upstream.js';

const CLIENT_TOKEN = 'client-secret-4f1c9a0e7d2b';
const CLIENT_COOKIE = 'client-cookie-8a3e51b6';
const CONNECTOR_KEY = 'connector-key-for-keyed-only';

const bed = new TestBed();
let upstream: HeaderRecordingUpstream;
let server: HostHttpServer;
let client: Client;
/** The Authorization headers the client sent to the host: proof the token was there to leak. */
const sentAuthorizations: string[] = [];

beforeAll(async () => {
  upstream = await startHeaderRecordingUpstream();
  await bed.start();
  bed.publisher.publish(
    mapOf([
      entry('keyed', upstream.urlFor('keyed'), { auth: { type: 'bearer' } }),
      entry('open', upstream.urlFor('open')),
    ]),
  );
  const { manager, registry } = bed.manager({ stateDir: await bed.tempDir(), apiKey: CONNECTOR_KEY });
  await manager.start();
  server = await createHostHttpServer({
    registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    getStatus: () => manager.status(),
    isReady: () => manager.ready,
    serverInfo: { name: 'passthrough-test', version: '1' },
  });
  client = new Client({ name: 'token-holder', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: {
        headers: { authorization: `Bearer ${CLIENT_TOKEN}`, cookie: `session=${CLIENT_COOKIE}` },
      },
      fetch: (input, init) => {
        sentAuthorizations.push(new Headers(init?.headers).get('authorization') ?? '');
        return fetch(input, init);
      },
    }),
  );
});

afterAll(async () => {
  await client?.close();
  await server?.close();
  await bed.close();
  await upstream?.close();
});

it("never forwards the client's Authorization header or cookies to a connector; each gets its own auth only", async () => {
  const before = upstream.requests.length;
  for (const connector of ['keyed', 'open']) {
    expect(await client.callTool({ name: `${connector}.echo`, arguments: { text: 'hello' } })).toEqual({
      content: [{ type: 'text', text: 'hello' }],
    });
  }
  expect(sentAuthorizations.length).toBeGreaterThan(0);
  expect(sentAuthorizations.every((value) => value === `Bearer ${CLIENT_TOKEN}`)).toBe(true);
  // The calls reached the upstream, so there is something to look at.
  const calls = upstream.requests.slice(before).filter((request) => request.body.includes('"tools/call"'));
  expect(calls.map((request) => request.path).sort()).toEqual(['/keyed/mcp', '/open/mcp']);

  expect(upstream.requests.length).toBeGreaterThan(0);
  for (const request of upstream.requests) {
    const seen = JSON.stringify(request);
    expect(seen).not.toContain(CLIENT_TOKEN);
    expect(seen).not.toContain(CLIENT_COOKIE);
    expect(request.headers.cookie).toBeUndefined();
    // The connector's own configured auth, and only on the connector configured with it.
    if (request.path.startsWith('/keyed/')) {
      expect(request.headers.authorization).toBe(`Bearer ${CONNECTOR_KEY}`);
    } else {
      expect(request.headers.authorization).toBeUndefined();
    }
  }
});
