import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RemoteToolProxy, type UpstreamLogEntry } from '../src/index.js';
import { OrderedEventStore } from './helpers/event-store.js';
import { type HttpFixtureServer, type SeenRequest, startHttpFixture } from './helpers/http-fixture-server.js';
import { ManualTimers } from './helpers/manual-timers.js';
import { createPollingServer, PollingControl } from './helpers/polling-server.js';
import { type ScriptedUpstream, startScriptedUpstream } from './helpers/scripted-upstream.js';
import { startTransportClient, type TransportClient } from './helpers/transport-client.js';
import { waitUntil } from './helpers/wait.js';

let fixture: HttpFixtureServer;
let control = new PollingControl();
let proxy: RemoteToolProxy | undefined;
let harness: TransportClient | undefined;
let proxyLogs: UpstreamLogEntry[];

beforeAll(async () => {
  fixture = await startHttpFixture(() => createPollingServer(control), {
    eventStore: () => new OrderedEventStore(),
    retryIntervalMs: 20,
  });
});
afterEach(async () => {
  control.release();
  await proxy?.disconnect();
  await harness?.close();
  proxy = undefined;
  harness = undefined;
});
afterAll(async () => {
  await fixture.close();
});

async function connect(url = fixture.streamableUrl): Promise<RemoteToolProxy> {
  control = new PollingControl();
  proxyLogs = [];
  proxy = new RemoteToolProxy({ id: 'polling', url, onLog: (entry) => proxyLogs.push(entry) });
  await proxy.connect();
  return proxy;
}

/** The GETs that resumed a request's stream (the standalone stream's GET carries no `Last-Event-ID`). */
function resumptions<T extends Pick<SeenRequest, 'method' | 'headers'>>(requests: T[]): T[] {
  return requests.filter((seen) => seen.method === 'GET' && seen.headers['last-event-id'] !== undefined);
}

const textOf = (result: CallToolResult) => (result.content[0] as { text: string }).text;

describe('a request stream the upstream closes before the answer (SEP-1699 polling)', () => {
  // 200 ms: the answer goes out on the resumed GET. 0 ms: it is stored before the GET arrives and replayed on
  // it, and the upstream leaves that GET open, so the proxy must close it.
  it.each([200, 0])(
    'is resumed with Last-Event-ID, and the call gets its logs and answer (answer after %i ms)',
    async (answerAfterMs) => {
      const before = resumptions(fixture.requests).length;
      const upstream = await connect();
      const logs: unknown[] = [];
      const result = await upstream.callTool(
        'poll',
        { answerAfterMs },
        { onLog: (entry) => logs.push(entry.related ? entry.data : 'unrelated!') },
      );
      expect(textOf(result)).toBe('polled');
      expect(logs).toEqual(['before close', 'after close']);
      expect(proxyLogs).toEqual([]);
      const resumed = resumptions(fixture.requests).slice(before);
      expect(resumed).toHaveLength(1);
      expect(resumed[0]?.headers).toMatchObject({
        accept: 'text/event-stream',
        'mcp-session-id': expect.any(String),
        'mcp-protocol-version': '2025-11-25',
      });
      await waitUntil(() => resumed.every((seen) => seen.closed), 5_000, 'the resumed GET to close');
    },
  );

  it('gives up after 5 resumptions in a row that bring no message, naming the request', async () => {
    const before = resumptions(fixture.requests).length;
    const upstream = await connect();
    const logs: unknown[] = [];
    const call = upstream.callTool('stall', {}, { onLog: (entry) => logs.push(entry.data) });
    await expect(call).rejects.toThrow(
      /tools\/call "stall" failed: .*event stream of request \d+ ended before the answer and could not be resumed: 5 resumptions in a row brought no message/,
    );
    expect(logs).toEqual(['stalling']);
    expect(resumptions(fixture.requests).length - before).toBe(5);
    // The proxy closed no session over it: the next call works.
    await expect(upstream.callTool('poll', { answerAfterMs: 0 })).resolves.toMatchObject({
      content: [{ text: 'polled' }],
    });
  });
});

describe('cancelling or closing while a request stream waits to resume', () => {
  async function holdWaitingToResume() {
    control = new PollingControl();
    const timers = new ManualTimers();
    harness = await startTransportClient(fixture.streamableUrl, { timers });
    const before = resumptions(fixture.requests).length;
    const abort = new AbortController();
    const call = harness.client.callTool({ name: 'hold' }, undefined, { signal: abort.signal });
    call.catch(() => {});
    // The upstream's `retry` (20 ms) is the delay of the only timer the transport sets meanwhile.
    await waitUntil(() => timers.pending().length > 0, 5_000, 'the wait before resuming');
    expect(timers.pending().map((timer) => timer.delayMs)).toEqual([20]);
    return { timers, call, abort, before };
  }

  it('a cancelled call clears the wait and sends no GET; the upstream hears of the cancellation', async () => {
    const { timers, call, abort, before } = await holdWaitingToResume();
    abort.abort(new Error('the caller gave up'));
    await expect(call).rejects.toThrow('the caller gave up');
    expect(timers.pending()).toEqual([]);
    await waitUntil(() => control.cancelled === 1, 5_000, 'the upstream to see the cancellation');
    expect(resumptions(fixture.requests).length).toBe(before);
  });

  it('close() clears the wait and sends no GET', async () => {
    const { timers, call, before } = await holdWaitingToResume();
    await harness?.transport.close();
    await expect(call).rejects.toThrow();
    expect(timers.pending()).toEqual([]);
    expect(resumptions(fixture.requests).length).toBe(before);
  });
});

describe('a request stream that cannot be resumed', () => {
  let scripted: ScriptedUpstream;

  beforeAll(async () => {
    scripted = await startScriptedUpstream();
  });
  afterAll(async () => {
    await scripted.close();
  });

  /** Answers tools/call with `events` (raw event-stream text) and ends the stream without the result. */
  function endEarlyWith(events: string) {
    scripted.answer = (body, res) => {
      if (Array.isArray(body) || body.method !== 'tools/call') return false;
      res.writeHead(200, { 'content-type': 'text/event-stream' }).end(events);
      return true;
    };
  }

  const log = JSON.stringify({
    jsonrpc: '2.0',
    method: 'notifications/message',
    params: { level: 'info', data: 'x' },
  });

  it('fails the call when the stream gave no event id, and sends no GET', async () => {
    endEarlyWith(`event: message\ndata: ${log}\n\n`);
    const before = resumptions(scripted.requests).length;
    const upstream = await connect(scripted.url);
    await expect(upstream.callTool('echo')).rejects.toThrow(
      /event stream ended before the answer to request \d+ and gave no event id to resume it from/,
    );
    expect(resumptions(scripted.requests).length).toBe(before);
  });

  it('fails the call with the status when the upstream refuses the resuming GET (405)', async () => {
    endEarlyWith(`id: 1\nretry: 10\ndata: \n\nid: 2\nevent: message\ndata: ${log}\n\n`);
    scripted.getStatus = 405;
    const before = resumptions(scripted.requests).length;
    const upstream = await connect(scripted.url);
    const error = await upstream.callTool('echo').catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /request \d+ ended before the answer and could not be resumed: GET to the MCP endpoint failed \(HTTP 405\): no body \(the upstream offers no GET stream to resume from\)/,
    );
    const resumed = resumptions(scripted.requests).slice(before);
    expect(resumed.map((seen) => seen.headers['last-event-id'])).toEqual(['2']);
  });
});
