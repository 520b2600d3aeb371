import { afterEach, describe, expect, it } from 'vitest';
import { HostMetrics } from '../../src/metrics.js';
import { ABANDONED_REASON } from '../../src/server/http/abandoned-requests.js';
import { HttpSessionTransport } from '../../src/server/http/http-session-transport.js';
import { createHostHttpServer, type HostHttpServer, HostServerError } from '../../src/server/index.js';
import type { HostServerTimers } from '../../src/server/types.js';
import {
  callRequest,
  createTransportRegistry,
  RawMcpClient,
  sseMessages,
  type TransportTools,
} from './transport-support.js';

let server: HostHttpServer | undefined;
let tools: TransportTools | undefined;
const raws: RawMcpClient[] = [];

afterEach(async () => {
  tools?.gate.resolve();
  await Promise.all(raws.splice(0).map((raw) => raw.close()));
  await server?.close();
  server = undefined;
});

async function start(timers?: HostServerTimers): Promise<RawMcpClient> {
  const created = createTransportRegistry();
  tools = created.tools;
  server = await createHostHttpServer({
    registry: created.registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    getStatus: () => ({}),
    isReady: () => true,
    serverInfo: { name: 'lifecycle-test', version: '1' },
    // Idle expiry off: the injected timers then see the GET stream's keep-alive timers only.
    ...(timers && { timers, sessionIdleTimeoutMs: 0 }),
  });
  const raw = new RawMcpClient(server.url);
  raws.push(raw);
  await raw.open();
  return raw;
}

/** Waits (one macrotask at a time, bounded) until `condition` holds: an abort arrives a few event-loop turns later. */
async function until(condition: () => boolean, maxTurns = 1_000): Promise<void> {
  for (let turn = 0; turn < maxTurns && !condition(); turn += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  expect(condition()).toBe(true);
}

describe('clients that go away or cancel', () => {
  it('cancels the call of a POST whose client drops the connection, and keeps serving the session', async () => {
    const raw = await start();
    const abort = new AbortController();
    const dropped = raw.post(callRequest(1, 'local.wait'), {}, abort.signal);
    const signal = await tools?.waitStarted.promise;
    expect(signal?.aborted).toBe(false);
    abort.abort();
    await expect(dropped).rejects.toThrow();

    // No notifications/cancelled was sent: the closed response alone aborts the handler.
    await until(() => signal?.aborted === true);
    expect(signal?.reason).toBe(ABANDONED_REASON);
    const after = await raw.post(callRequest(2, 'local.echo', { text: 'still here' }));
    expect(JSON.parse(after.text)).toMatchObject({ id: 2, result: { content: [{ text: 'still here' }] } });
    // The dropped call's id is free again: it was cancelled, not left waiting for an answer.
    expect((await raw.post(callRequest(1, 'local.echo', { text: 'reused' }))).status).toBe(200);
    expect(server?.sessionCount).toBe(1);
  });

  it('cancels the call whose event-stream answer the client stops reading', async () => {
    const raw = await start();
    const stream = await raw.openPost(callRequest('s', 'local.wait', {}, { progressToken: 'p' }));
    expect(stream.headers['content-type']).toBe('text/event-stream');
    const signal = await tools?.waitStarted.promise;
    await stream.next((message) => (message as { method?: string }).method === 'notifications/progress');
    stream.close();
    await until(() => signal?.aborted === true);
    expect(signal?.reason).toBe(ABANDONED_REASON);
  });

  it('aborts the calls still running on a session the client deletes', async () => {
    const raw = await start();
    const waiting = raw.post(callRequest(5, 'local.wait'));
    const signal = await tools?.waitStarted.promise;
    expect((await raw.send('DELETE', undefined)).status).toBe(200);
    expect(signal?.aborted).toBe(true);
    expect(JSON.parse((await waiting).text)).toMatchObject({ id: 5, error: { code: -32000 } });
  });

  it('aborts the handler on notifications/cancelled and ends that POST with an empty event stream', async () => {
    const raw = await start();
    const waiting = raw.post(callRequest('w', 'local.wait'));
    const signal = await tools?.waitStarted.promise;
    expect(signal?.aborted).toBe(false);

    const cancel = await raw.post({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 'w', reason: 'user pressed stop' },
    });
    expect(cancel.status).toBe(202);
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/event-stream');
    expect(sseMessages(answer.text)).toEqual([]);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe('user pressed stop');
  });
});

describe('closing', () => {
  it('close() answers calls still open with a connection-closed error and ends the GET stream', async () => {
    const raw = await start();
    const stream = await raw.openStream();
    const pending = raw.post(callRequest(5, 'local.gate'));
    await tools?.gateEntered.promise;

    await server?.close();

    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ jsonrpc: '2.0', id: 5, error: { code: -32000 } });
    await stream.ended;
  });

  it('fires onclose once however often it is closed, then refuses requests and drops messages', async () => {
    const transport = new HttpSessionTransport({ sessionId: 'session-1', maxRequestBodyBytes: 1024 });
    let closes = 0;
    transport.onclose = () => {
      closes += 1;
    };
    await transport.close();
    await transport.close();
    expect(closes).toBe(1);
    await expect(
      transport.send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' }),
    ).resolves.toBeUndefined();
  });

  it('rejects an answer to a request it never received with an undeliverable error', async () => {
    const transport = new HttpSessionTransport({ sessionId: 'session-2', maxRequestBodyBytes: 1024 });
    const error = await transport.send({ jsonrpc: '2.0', id: 42, result: {} }).catch((caught) => caught);
    expect(error).toBeInstanceOf(HostServerError);
    expect(error.code).toBe('undeliverable');
    expect(error.message).toContain('42');
    const related = await transport
      .send(
        { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } },
        {
          relatedRequestId: 7,
        },
      )
      .catch((caught) => caught);
    expect(related).toMatchObject({ code: 'undeliverable' });
  });
});

describe('keep-alive', () => {
  it('sends a comment on an idle GET stream each time the injected timer fires, and stops at close', async () => {
    const scheduled: { callback: () => void; ms: number; cleared: boolean }[] = [];
    const timers: HostServerTimers = {
      setTimeout: (callback, ms) => {
        const entry = { callback, ms, cleared: false };
        scheduled.push(entry);
        return entry;
      },
      clearTimeout: (handle) => {
        (handle as { cleared: boolean }).cleared = true;
      },
    };
    const raw = await start(timers);
    const stream = await raw.openStream();
    expect(scheduled.map(({ ms }) => ms)).toEqual([15_000]);

    scheduled[0]?.callback();
    await stream.untilText(': keep-alive\n\n');
    expect(scheduled).toHaveLength(2); // re-armed for the next interval

    await server?.close();
    await stream.ended;
    expect(scheduled[1]?.cleared).toBe(true);
  });
});
