import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorUnavailableError, RemoteToolProxy } from '../src/index.js';
import { createFixtureMcpServer, newObservations } from './helpers/fixture-tools.js';
import { type HttpFixtureServer, startHttpFixture } from './helpers/http-fixture-server.js';
import { ManualTimers } from './helpers/manual-timers.js';
import { waitUntil } from './helpers/wait.js';

const CONNECT_TIMEOUT_MS = 5_000;
let fixture: HttpFixtureServer | undefined;
let proxy: RemoteToolProxy | undefined;

afterEach(async () => {
  await proxy?.disconnect();
  await fixture?.close();
  proxy = undefined;
  fixture = undefined;
});

function startUpstream(port = 0, extraTool?: string) {
  return startHttpFixture(
    () => {
      const server = createFixtureMcpServer(newObservations());
      if (extraTool) server.registerTool(extraTool, { description: 'new' }, async () => ({ content: [] }));
      return server;
    },
    { port },
  );
}

describe.each(['streamable-http', 'sse'] as const)('reconnect over %s', (transport) => {
  const urlOf = (f: HttpFixtureServer) => (transport === 'sse' ? f.sseUrl : f.streamableUrl);

  it('goes down when the upstream stops and up again after it restarts on the same port', async () => {
    fixture = await startUpstream();
    const availability: boolean[] = [];
    const toolLists: Tool[][] = [];
    proxy = new RemoteToolProxy({
      id: `restart-${transport}`,
      transport,
      url: urlOf(fixture),
      reconnect: { initialDelayMs: 20, maxDelayMs: 100, factor: 2 },
      onAvailabilityChange: (up) => availability.push(up),
      onToolsChanged: (tools) => toolLists.push(tools),
    });
    await proxy.connect();
    await proxy.getTools();
    const { port } = fixture;

    await fixture.close();
    await waitUntil(() => availability.length === 2, 10_000, 'availability down');
    expect(availability).toEqual([true, false]);
    const error = await proxy.callTool('echo', { text: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorUnavailableError);
    expect((error as ConnectorUnavailableError).message).toMatch(/connection lost/);

    fixture = await startUpstream(port, 'added-after-restart');
    await waitUntil(() => availability.length === 3, 10_000, 'availability up');
    expect(availability).toEqual([true, false, true]);
    const result = await proxy.callTool('echo', { text: 'back' });
    expect(result.content).toEqual([{ type: 'text', text: 'back' }]);
    await waitUntil(() => toolLists.length === 1, 5_000, 'tools re-listed');
    expect(toolLists[0]?.map((t) => t.name)).toContain('added-after-restart');
  });

  it('fails calls at once during an outage, without touching the upstream', async () => {
    fixture = await startUpstream();
    const timers = new ManualTimers();
    proxy = new RemoteToolProxy({
      id: `outage-${transport}`,
      transport,
      url: urlOf(fixture),
      timers,
      random: () => 0.5,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
    });
    await proxy.connect();
    const { port } = fixture;
    await fixture.close();
    await waitUntil(() => proxy?.state === 'down', 10_000, 'state down');
    // The upstream is back, but the reconnect timer has not fired: calls must not reach it.
    fixture = await startUpstream(port);
    const error = await proxy.callTool('echo', { text: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorUnavailableError);
    expect((error as ConnectorUnavailableError).code).toBe('unavailable');
    expect((error as ConnectorUnavailableError).connectorId).toBe(`outage-${transport}`);
    expect((error as ConnectorUnavailableError).cause).toBeDefined();
    expect(fixture.requests).toEqual([]);

    const [reconnectTimer] = timers.pending(CONNECT_TIMEOUT_MS);
    expect(reconnectTimer).toBeDefined();
    if (reconnectTimer) timers.fire(reconnectTimer);
    await waitUntil(() => proxy?.state === 'up', 10_000, 'state up');
    expect((await proxy.callTool('echo', { text: 'y' })).content).toEqual([{ type: 'text', text: 'y' }]);
  });
});

describe('a broken Streamable HTTP stream', () => {
  it('checks the connection with a ping and stays up when the upstream still answers', async () => {
    fixture = await startUpstream();
    const availability: boolean[] = [];
    proxy = new RemoteToolProxy({
      id: 'stream-drop',
      url: fixture.streamableUrl,
      onAvailabilityChange: (up) => availability.push(up),
    });
    await proxy.connect();
    const upstream = fixture;
    const streams = () => upstream.requests.filter((r) => r.method === 'GET').length;
    await waitUntil(() => streams() === 1, 5_000, 'standalone stream');
    const before = upstream.requests.length;

    upstream.destroyStreams();
    // The transport reopens the stream on its own; the proxy pinged meanwhile and kept the session.
    await waitUntil(() => streams() === 2, 10_000, 'stream reopened');
    expect(upstream.requests.slice(before).some((r) => r.method === 'POST')).toBe(true);
    expect(availability).toEqual([true]);
    expect((await proxy.callTool('echo', { text: 'still' })).content).toEqual([
      { type: 'text', text: 'still' },
    ]);
    expect(upstream.servers).toHaveLength(1);
  });
});

describe('reconnect backoff', () => {
  it('grows the delay exponentially with full jitter, caps it, and resets after a success', async () => {
    fixture = await startUpstream();
    const timers = new ManualTimers();
    const availability: boolean[] = [];
    proxy = new RemoteToolProxy({
      id: 'backoff',
      url: fixture.streamableUrl,
      timers,
      random: () => 0.5,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      reconnect: { initialDelayMs: 100, maxDelayMs: 1_000, factor: 3 },
      onAvailabilityChange: (up) => availability.push(up),
    });
    await proxy.connect();
    const { port } = fixture;
    await fixture.close();
    fixture = undefined;

    const delays: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      await waitUntil(() => timers.pending(CONNECT_TIMEOUT_MS).length === 1, 10_000, 'reconnect timer');
      const [timer] = timers.pending(CONNECT_TIMEOUT_MS);
      if (!timer) throw new Error('no reconnect timer');
      delays.push(timer.delayMs);
      if (attempt === 4) fixture = await startUpstream(port);
      timers.fire(timer);
    }
    // 0.5 × min(1000, 100 × 3^n)
    expect(delays).toEqual([50, 150, 450, 500, 500]);
    await waitUntil(() => proxy?.state === 'up', 10_000, 'state up');
    expect(availability).toEqual([true, false, true]);

    await fixture?.close();
    fixture = undefined;
    await waitUntil(() => timers.pending(CONNECT_TIMEOUT_MS).length === 1, 10_000, 'reconnect timer');
    expect(timers.pending(CONNECT_TIMEOUT_MS)[0]?.delayMs).toBe(50);
  });

  it('stops reconnecting after disconnect()', async () => {
    fixture = await startUpstream();
    const timers = new ManualTimers();
    proxy = new RemoteToolProxy({
      id: 'stop',
      url: fixture.streamableUrl,
      timers,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
    });
    await proxy.connect();
    await fixture.close();
    await waitUntil(() => timers.pending(CONNECT_TIMEOUT_MS).length === 1, 10_000, 'reconnect timer');
    await proxy.disconnect();
    expect(timers.pending()).toEqual([]);
    expect(proxy.state).toBe('idle');
  });
});
