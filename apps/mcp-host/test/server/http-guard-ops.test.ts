import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { HostMetrics } from '../../src/metrics.js';
import { createHostHttpServer, type HostHttpServer, type Readiness } from '../../src/server/index.js';
import { createTestRegistry, rawRequest } from './support.js';

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2024-11-05',
    capabilities: {},
    clientInfo: { name: 'guard-test', version: '1.0.0' },
  },
});
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

let server: HostHttpServer;
let ready: Readiness;
let status: unknown;

async function start(options: { allowedHosts?: string[]; allowedOrigins?: string[] } = {}) {
  server = await createHostHttpServer({
    registry: createTestRegistry().registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    logger: silentLogger(),
    getStatus: () => status,
    isReady: () => ready,
    serverInfo: { name: 'guard-test', version: '1' },
    ...options,
  });
}

beforeEach(() => {
  ready = false;
  status = { version: '1.2.3', connectors: [{ id: 'notes', state: 'up' }] };
});
afterEach(async () => {
  await server.close();
});

/** One raw request to the server under test (see rawRequest). */
const send = (path: string, options?: Parameters<typeof rawRequest>[2]) =>
  rawRequest(server.port, path, options);

/** An initialize POST answered as JSON; 2xx means the request got through. */
function initialize(headers: Record<string, string> = {}) {
  return send('/mcp', { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body: INITIALIZE });
}

describe('DNS rebinding protection', () => {
  beforeEach(() => start());

  it('refuses a Host that is not this server with 403, on /mcp and on the ops paths', async () => {
    const evil = { host: `evil.example:${server.port}` };
    const refused = await initialize(evil);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 }, id: null });
    expect((await send('/status', { headers: evil })).status).toBe(403);
    expect((await send('/healthz', { headers: { host: 'evil.example.com' } })).status).toBe(403);
    expect(server.sessionCount).toBe(0);
  });

  it('refuses a browser Origin that is not allowed with 403, even with a good Host', async () => {
    expect((await initialize({ origin: 'http://evil.example' })).status).toBe(403);
    expect(
      (await send('/metrics', { headers: { origin: `http://evil.example:${server.port}` } })).status,
    ).toBe(403);
  });

  it('accepts the loopback names with this port, with or without a loopback Origin', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`]) {
      expect((await initialize({ host })).status).toBe(200);
    }
    expect((await initialize({ origin: `http://localhost:${server.port}` })).status).toBe(200);
    expect((await send('/healthz', { headers: { origin: `http://127.0.0.1:${server.port}` } })).status).toBe(
      200,
    );
  });

  it('passes the conformance probe: Host and Origin of this URL, then initialized on the new session', async () => {
    const host = `127.0.0.1:${server.port}`;
    const initialized = await initialize({ host, origin: `http://${host}` });
    expect(initialized.status).toBe(200);
    const sessionId = String(initialized.headers['mcp-session-id']);
    const notification = await send('/mcp', {
      method: 'POST',
      headers: {
        ...MCP_HEADERS,
        host,
        origin: `http://${host}`,
        'mcp-session-id': sessionId,
        'mcp-protocol-version': '2024-11-05',
      },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    });
    expect(notification.status).toBe(202);
  });

  it('refuses a loopback name on another port', async () => {
    expect((await initialize({ host: `localhost:${server.port + 1}` })).status).toBe(403);
  });
});

describe('configured allow lists', () => {
  it('accept exactly the listed Host and Origin values, replacing the defaults', async () => {
    await start({ allowedHosts: ['MCP.internal:8443'], allowedOrigins: ['https://console.internal'] });
    expect((await initialize({ host: 'mcp.internal:8443' })).status).toBe(200);
    expect((await initialize({ host: 'mcp.internal:8443', origin: 'https://console.internal' })).status).toBe(
      200,
    );
    expect((await initialize()).status).toBe(403);
    expect((await initialize({ host: 'mcp.internal:8443', origin: 'https://other.internal' })).status).toBe(
      403,
    );
  });
});

describe('ops endpoints', () => {
  beforeEach(() => start());

  it('/healthz answers 200 while the process serves', async () => {
    const response = await send('/healthz');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'ok' });
  });

  it('/readyz answers 503 with a reason until isReady() is true, then 200', async () => {
    const before = await send('/readyz');
    expect(before.status).toBe(503);
    expect(JSON.parse(before.body)).toMatchObject({ ready: false, reason: expect.any(String) });

    ready = { ready: false, reason: 'waiting for the first sync' };
    expect(JSON.parse((await send('/readyz')).body)).toEqual({
      ready: false,
      reason: 'waiting for the first sync',
    });

    ready = true;
    const after = await send('/readyz');
    expect(after.status).toBe(200);
    expect(JSON.parse(after.body)).toEqual({ ready: true, reason: 'ready' });
  });

  it('/readyz answers 503 while draining, whatever isReady() says', async () => {
    ready = true;
    await server.drain(0);
    const response = await send('/readyz');
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body).reason).toMatch(/draining/);
  });

  it('/metrics serves the Prometheus text with the tool-call duration family', async () => {
    const response = await send('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toContain('# TYPE mcp_tool_call_duration_seconds histogram');
  });

  it('/status serves the getStatus() document as JSON', async () => {
    const response = await send('/status');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toEqual(status);
  });

  it('/status answers 500 without details when getStatus() throws', async () => {
    status = undefined;
    const failing = server;
    await failing.close();
    server = await createHostHttpServer({
      registry: createTestRegistry().registry,
      metrics: new HostMetrics({ defaultMetrics: false }),
      getStatus: () => {
        throw new Error('secret-token-123 leaked?');
      },
      isReady: () => true,
      serverInfo: { name: 'guard-test', version: '1' },
    });
    const response = await send('/status');
    expect(response.status).toBe(500);
    expect(response.body).not.toContain('secret-token-123');
  });

  it('answers other methods with 405 and unknown paths with 404', async () => {
    const post = await send('/status', { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await send('/admin')).status).toBe(404);
  });
});
