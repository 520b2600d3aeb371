import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorProxyError, RemoteToolProxy } from '../src/index.js';
import { createFixtureMcpServer, newObservations } from './helpers/fixture-tools.js';
import { type HttpFixtureServer, startHttpFixture } from './helpers/http-fixture-server.js';
import { ManualTimers } from './helpers/manual-timers.js';
import { waitUntil } from './helpers/wait.js';

let fixture: HttpFixtureServer | undefined;
let raw: Server | undefined;
let proxy: RemoteToolProxy | undefined;

afterEach(async () => {
  await proxy?.disconnect();
  await fixture?.close();
  raw?.closeAllConnections();
  await new Promise((resolve) => (raw ? raw.close(resolve) : resolve(undefined)));
  proxy = undefined;
  fixture = undefined;
  raw = undefined;
});

/** A plain HTTP server that answers with `respond`, or never when it returns nothing. */
async function startRaw(respond: (req: IncomingMessage) => [number, string, string] | undefined) {
  const seen: IncomingMessage[] = [];
  raw = createServer((req, res) => {
    seen.push(req);
    const answer = respond(req);
    if (answer) res.writeHead(answer[0], { 'content-type': answer[1] }).end(answer[2]);
  });
  await new Promise<void>((resolve) => raw?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(raw.address() as AddressInfo).port}/mcp`, seen };
}

describe('connect()', () => {
  it('fails with connect_timeout when the upstream never answers, and lets the request go', async () => {
    const upstream = await startRaw(() => undefined);
    const timers = new ManualTimers();
    proxy = new RemoteToolProxy({ id: 'silent', url: upstream.url, timers, connectTimeoutMs: 1_234 });
    const connecting = proxy.connect();
    await waitUntil(() => upstream.seen.length === 1, 5_000, 'handshake request');
    const [timeout] = timers.pending().filter((timer) => timer.delayMs === 1_234);
    if (timeout) timers.fire(timeout);
    const error = await connecting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorProxyError);
    expect((error as ConnectorProxyError).code).toBe('connect_timeout');
    expect(proxy.state).toBe('idle');
    // The abandoned handshake request is aborted, not left hanging.
    const [request] = upstream.seen;
    await waitUntil(() => request?.destroyed === true, 5_000, 'request closed');
  });

  it('fails with unavailable when nothing listens', async () => {
    const upstream = await startRaw(() => undefined);
    raw?.close();
    raw = undefined;
    proxy = new RemoteToolProxy({ id: 'nobody', url: upstream.url });
    const error = (await proxy.connect().catch((e: unknown) => e)) as ConnectorProxyError;
    expect(error.code).toBe('unavailable');
    expect(error.connectorId).toBe('nobody');
    expect(error.cause).toBeDefined();
  });

  it('fails with protocol when the URL is not an MCP server', async () => {
    const upstream = await startRaw(() => [200, 'text/html', '<html>hello</html>']);
    proxy = new RemoteToolProxy({ id: 'html', url: upstream.url });
    await expect(proxy.connect()).rejects.toMatchObject({ code: 'protocol' });
  });

  it('joins a running attempt and resolves at once when already up', async () => {
    fixture = await startHttpFixture(() => createFixtureMcpServer(newObservations()));
    const availability: boolean[] = [];
    proxy = new RemoteToolProxy({
      id: 'join',
      url: fixture.streamableUrl,
      onAvailabilityChange: (up) => availability.push(up),
    });
    await Promise.all([proxy.connect(), proxy.connect()]);
    await proxy.connect();
    expect(fixture.servers).toHaveLength(1);
    await proxy.disconnect();
    await proxy.disconnect();
    expect(availability).toEqual([true, false]);
  });

  it('fails calls before connect() with unavailable', async () => {
    proxy = new RemoteToolProxy({ id: 'early', url: 'http://127.0.0.1:9/mcp' });
    await expect(proxy.callTool('echo')).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/not connected/),
    });
    await expect(proxy.getTools()).rejects.toMatchObject({ code: 'unavailable' });
  });
});

describe('transport: auto', () => {
  it('uses Streamable HTTP when the POST of initialize succeeds', async () => {
    fixture = await startHttpFixture(() => createFixtureMcpServer(newObservations()));
    proxy = new RemoteToolProxy({ id: 'auto-new', transport: 'auto', url: fixture.streamableUrl });
    await proxy.connect();
    expect(proxy.activeTransport).toBe('streamable-http');
  });

  it('falls back to SSE after a 4xx answer to the POST, as the spec says', async () => {
    fixture = await startHttpFixture(() => createFixtureMcpServer(newObservations()));
    proxy = new RemoteToolProxy({ id: 'auto-old', transport: 'auto', url: fixture.sseUrl });
    await proxy.connect();
    expect(proxy.activeTransport).toBe('sse');
    expect(fixture.requests.slice(0, 2).map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /sse',
      'GET /sse',
    ]);
    expect((await proxy.callTool('echo', { text: 'old' })).content).toEqual([{ type: 'text', text: 'old' }]);
  });

  it('does not fall back after a 5xx answer', async () => {
    const upstream = await startRaw(() => [503, 'text/plain', 'down for maintenance']);
    proxy = new RemoteToolProxy({ id: 'auto-5xx', transport: 'auto', url: upstream.url });
    await expect(proxy.connect()).rejects.toMatchObject({ code: 'unavailable' });
    expect(upstream.seen.map((r) => r.method)).toEqual(['POST']);
  });
});

describe('options', () => {
  it.each([
    [{ id: '' }, /non-empty `id`/],
    [{ id: 'x' }, /need a `url`/],
    [{ id: 'x', url: 'not a url' }, /not a valid URL/],
    [{ id: 'x', url: 'ftp://host/mcp' }, /http: or https:/],
    [{ id: 'x', transport: 'stdio' as const }, /needs a `command`/],
    [{ id: 'x', transport: 'carrier-pigeon' as never, url: 'http://h/' }, /transport must be one of/],
    [{ id: 'x', url: 'http://h/', connectTimeoutMs: 0 }, /connectTimeoutMs/],
    [{ id: 'x', url: 'http://h/', reconnect: { factor: 0.5 } }, /reconnect.factor/],
    [
      { id: 'x', url: 'http://h/', auth: { type: 'apiKey' as const, key: 'k', headerName: ' ' } },
      /headerName/,
    ],
  ])('refuses %j with invalid_options', (options, message) => {
    expect(() => new RemoteToolProxy(options)).toThrow(
      expect.objectContaining({ code: 'invalid_options', message: expect.stringMatching(message) }),
    );
  });
});
