import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSessionExpired } from '../src/http-errors.js';
import { RemoteToolProxy } from '../src/index.js';
import { ManualTimers } from './helpers/manual-timers.js';
import {
  type ScriptedUpstream,
  startScriptedUpstream,
  type WireMessage,
} from './helpers/scripted-upstream.js';
import { startTransportClient, type TransportClient } from './helpers/transport-client.js';
import { waitUntil } from './helpers/wait.js';

const CONNECT_TIMEOUT_MS = 5_000;
const LIST_CHANGED =
  'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/tools/list_changed"}\n\n';
let upstream: ScriptedUpstream;
let harness: TransportClient | undefined;
let proxy: RemoteToolProxy | undefined;

beforeEach(async () => {
  upstream = await startScriptedUpstream();
});
afterEach(async () => {
  await proxy?.disconnect();
  await harness?.close();
  await upstream.close();
  proxy = undefined;
  harness = undefined;
});

const gets = () => upstream.requests.filter((r) => r.method === 'GET');

/** Lets a tools/call hang: its answer starts as an event stream and never ends. */
function hangToolCalls() {
  upstream.answer = (body, res) => {
    if (Array.isArray(body) || body.method !== 'tools/call') return false;
    res.writeHead(200, { 'content-type': 'text/event-stream' }).flushHeaders();
    return true;
  };
}

describe('Streamable HTTP session', () => {
  it('sends auth and extra headers everywhere, the session id and protocol version after initialize', async () => {
    proxy = new RemoteToolProxy({
      id: 'headers',
      url: upstream.url,
      auth: { type: 'bearer', key: 'sk-1' },
      headers: { 'X-Tenant': 'acme' },
    });
    await proxy.connect();
    await proxy.callTool('echo');
    await waitUntil(() => gets().length === 1, 5_000, 'event-stream GET');
    await proxy.disconnect();
    const [initialize, ...rest] = upstream.requests;
    expect(initialize?.headers).toMatchObject({
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
    });
    expect(initialize?.headers['mcp-session-id']).toBeUndefined();
    expect(initialize?.headers['mcp-protocol-version']).toBeUndefined();
    expect(new Set(rest.map((r) => r.method))).toEqual(new Set(['POST', 'GET', 'DELETE']));
    for (const request of upstream.requests) {
      expect(request.headers).toMatchObject({ authorization: 'Bearer sk-1', 'x-tenant': 'acme' });
    }
    for (const request of rest) {
      expect(request.headers['mcp-session-id']).toBe('session-1');
      expect(request.headers['mcp-protocol-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(gets()[0]?.headers.accept).toBe('text/event-stream');
  });

  it('opens the GET stream on the stream dispatcher after initialization and delivers its notifications', async () => {
    harness = await startTransportClient(upstream.url);
    let changed = 0;
    harness.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changed++;
    });
    await waitUntil(() => upstream.streams.length === 1, 5_000, 'stream open');
    upstream.streams[0]?.write(LIST_CHANGED);
    await waitUntil(() => changed === 1, 5_000, 'list_changed delivered');
    expect(harness.methods.stream).toEqual(['GET']);
    expect(harness.methods.request).not.toContain('GET');
  });

  it('reopens a dropped GET stream with growing backoff, reset once a GET is accepted', async () => {
    const timers = new ManualTimers();
    harness = await startTransportClient(upstream.url, { timers, random: () => 0.5 });
    let changed = 0;
    harness.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changed++;
    });
    const reopen = async (expectedDelayMs: number) => {
      await waitUntil(() => timers.pending().length === 1, 5_000, 'reopen timer');
      const [timer] = timers.pending();
      expect(timer?.delayMs).toBe(expectedDelayMs);
      if (timer) timers.fire(timer);
    };
    await waitUntil(() => upstream.streams.length === 1, 5_000, 'stream open');
    upstream.streams[0]?.socket?.destroy();
    // Half of min(30 000, 1000 × 2^n) fixed, half jitter (random 0.5).
    upstream.getStatus = 503;
    await reopen(750);
    await waitUntil(() => harness?.errors.some((e) => /HTTP 503/.test(e.message)) === true, 5_000, '503');
    upstream.getStatus = 200;
    await reopen(1_500);
    await waitUntil(() => upstream.streams.length === 1, 5_000, 'stream reopened');
    upstream.streams[0]?.write(LIST_CHANGED);
    await waitUntil(() => changed === 1, 5_000, 'notification on the reopened stream');
    // The server's retry field sets the next delay.
    upstream.streams[0]?.end('retry: 4321\n\n');
    await reopen(4_321);
    await waitUntil(() => gets().length === 4, 5_000, 'fourth GET');
    expect(harness.errors.some((e) => /event stream broke/.test(e.message))).toBe(true);
  });

  it('stops reopening and reports the session expired when the GET gets a 404 on the session', async () => {
    const timers = new ManualTimers();
    harness = await startTransportClient(upstream.url, { timers, random: () => 0 });
    await waitUntil(() => upstream.streams.length === 1, 5_000, 'stream open');
    upstream.forgetSession();
    upstream.streams[0]?.socket?.destroy();
    await waitUntil(() => timers.pending().length === 1, 5_000, 'reopen timer');
    const [timer] = timers.pending();
    if (timer) timers.fire(timer);
    await waitUntil(() => harness?.errors.some(isSessionExpired) === true, 5_000, 'session expired');
    expect(timers.pending()).toEqual([]);
    expect(gets()).toHaveLength(2);
  });

  it('accepts a 405 to the GET as "no stream offered": no error, no retry', async () => {
    upstream.getStatus = 405;
    const timers = new ManualTimers();
    harness = await startTransportClient(upstream.url, { timers });
    await waitUntil(() => gets().length === 1, 5_000, 'event-stream GET');
    // Two round trips on the other dispatcher, started after the 405 was on the wire.
    await harness.client.ping();
    await harness.client.ping();
    expect(timers.pending()).toEqual([]);
    expect(harness.errors).toEqual([]);
    expect(gets()).toHaveLength(1);
  });

  it('terminates the session with DELETE, tolerating a 405, and only once', async () => {
    harness = await startTransportClient(upstream.url);
    upstream.deleteStatus = 405;
    await harness.transport.terminateSession();
    expect(harness.transport.sessionId).toBeUndefined();
    await harness.transport.terminateSession();
    const deletes = upstream.requests.filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => r.headers['mcp-session-id'])).toEqual(['session-1']);
  });

  it.each(['abort', 'timeout'] as const)(
    'aborts the HTTP request on a caller %s, and the upstream sees it close',
    async (cause) => {
      hangToolCalls();
      proxy = new RemoteToolProxy({ id: 'abort', url: upstream.url });
      await proxy.connect();
      const controller = new AbortController();
      const options = cause === 'abort' ? { signal: controller.signal } : { timeoutMs: 50 };
      const call = proxy.callTool('echo', {}, options).catch((e: unknown) => e);
      await waitUntil(() => upstream.posts('tools/call').length === 1, 5_000, 'call reached the upstream');
      controller.abort();
      expect(await call).toMatchObject({ code: cause === 'abort' ? 'aborted' : 'call_timeout' });
      const [toolCall] = upstream.posts('tools/call');
      await waitUntil(() => toolCall?.closedEarly === true, 5_000, 'request closed');
      await waitUntil(() => upstream.posts('notifications/cancelled').length > 0, 5_000, 'cancellation');
      const cancelled = upstream.posts('notifications/cancelled');
      expect(cancelled.map((r) => (r.body as WireMessage).params?.requestId)).toEqual([
        (toolCall?.body as WireMessage | undefined)?.id,
      ]);
      expect(proxy.available).toBe(true);
    },
  );

  it('close() aborts the requests in flight and the GET stream, and fires onclose once', async () => {
    hangToolCalls();
    harness = await startTransportClient(upstream.url);
    let closes = 0;
    harness.client.onclose = () => {
      closes++;
    };
    const call = harness.client.callTool({ name: 'echo' }).catch((e: unknown) => e);
    await waitUntil(() => upstream.posts('tools/call').length === 1 && upstream.streams.length === 1);
    await harness.client.close();
    await harness.transport.close();
    expect(await call).toMatchObject({ message: expect.stringMatching(/Connection closed/) });
    await waitUntil(() => upstream.requests.filter((r) => r.closedEarly).length === 2, 5_000, 'both closed');
    expect(closes).toBe(1);
    await expect(harness.transport.send({ jsonrpc: '2.0', method: 'x' })).rejects.toThrow(/closed/);
  });

  it('reconnects with a new session after a 404 on the session, without pinging first', async () => {
    const timers = new ManualTimers();
    const availability: boolean[] = [];
    proxy = new RemoteToolProxy({
      id: 'expired',
      url: upstream.url,
      timers,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      onAvailabilityChange: (up) => availability.push(up),
    });
    await proxy.connect();
    upstream.forgetSession();
    const error = await proxy.callTool('echo').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unavailable' });
    expect(isSessionExpired((error as Error).cause)).toBe(true);
    expect(availability).toEqual([true, false]);
    expect(upstream.posts('ping')).toEqual([]);

    await waitUntil(() => timers.pending(CONNECT_TIMEOUT_MS).length === 1, 5_000, 'reconnect timer');
    const [timer] = timers.pending(CONNECT_TIMEOUT_MS);
    if (timer) timers.fire(timer);
    await waitUntil(() => proxy?.state === 'up', 5_000, 'reconnected');
    expect(availability).toEqual([true, false, true]);
    await proxy.callTool('echo');
    expect(upstream.posts('tools/call').at(-1)?.headers['mcp-session-id']).toBe('session-2');
  });
});
