// Idle expiry and the session cap of the Streamable HTTP surface, on a real server with injected timers and clock:
// time moves only when a test calls advance(), so every expiry is exact and nothing sleeps.
import { afterEach, describe, expect, it } from 'vitest';
import { HostMetrics } from '../../src/metrics.js';
import {
  createHostHttpServer,
  type HostHttpServer,
  type HostHttpServerOptions,
  HostServerError,
} from '../../src/server/index.js';
import { ManualTimers } from './manual-timers.js';
import {
  callRequest,
  createTransportRegistry,
  INITIALIZE,
  type RawAnswer,
  RawMcpClient,
  type TransportTools,
} from './transport-support.js';

const IDLE_MS = 1_000;
let server: HostHttpServer | undefined;
let tools: TransportTools | undefined;
const raws: RawMcpClient[] = [];

afterEach(async () => {
  tools?.gate.resolve();
  await Promise.all(raws.splice(0).map((raw) => raw.close()));
  await server?.close();
  server = undefined;
});

async function start(
  time: ManualTimers,
  options: Partial<HostHttpServerOptions> = {},
): Promise<HostHttpServer> {
  const created = createTransportRegistry();
  tools = created.tools;
  server = await createHostHttpServer({
    registry: created.registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    getStatus: () => ({}),
    isReady: () => true,
    serverInfo: { name: 'lifetime-test', version: '1' },
    sessionIdleTimeoutMs: IDLE_MS,
    timers: time.timers,
    clock: time.clock,
    ...options,
  });
  return server;
}

async function openClient(url: string): Promise<RawMcpClient> {
  const raw = new RawMcpClient(url);
  raws.push(raw);
  await raw.open();
  return raw;
}

const echo = (text: string) => callRequest(1, 'local.echo', { text });

function errorOf(answer: RawAnswer): { code: number; message: string } {
  return (JSON.parse(answer.text) as { error: { code: number; message: string } }).error;
}

async function expectServes(raw: RawMcpClient): Promise<void> {
  const answer = await raw.post(echo('still here'));
  expect(answer.status).toBe(200);
  expect(answer.text).toContain('still here');
}

async function expectGone(raw: RawMcpClient): Promise<void> {
  const answer = await raw.post(echo('anyone?'));
  expect(answer.status).toBe(404);
  expect(errorOf(answer)).toMatchObject({ code: -32001 });
  expect(errorOf(answer).message).toContain('initialize');
}

describe('idle expiry', () => {
  it('closes a session idle for sessionIdleTimeoutMs; its id then gets 404 and the client can start anew', async () => {
    const time = new ManualTimers();
    const { url } = await start(time);
    const raw = await openClient(url);

    time.advance(IDLE_MS - 1);
    expect(server?.sessionCount).toBe(1);
    time.advance(1);
    expect(server?.sessionCount).toBe(0);
    await expectGone(raw);

    raw.sessionId = undefined;
    await raw.open();
    await expectServes(raw);
  });

  it('counts every request as activity: idle time starts again at the last one', async () => {
    const time = new ManualTimers();
    const { url } = await start(time);
    const raw = await openClient(url);
    for (let round = 0; round < 3; round += 1) {
      time.advance(IDLE_MS - 1);
      await expectServes(raw);
    }
    time.advance(IDLE_MS - 1);
    expect(server?.sessionCount).toBe(1);
    time.advance(1);
    expect(server?.sessionCount).toBe(0);
    await expectGone(raw);
  });

  it('keeps a session with a call in flight, and counts idle time from the moment the call ends', async () => {
    const time = new ManualTimers();
    const { url } = await start(time);
    const raw = await openClient(url);
    const call = raw.post(callRequest(7, 'local.gate'));
    await tools?.gateEntered.promise;

    // Half a period off the expiry timer's rhythm, so only an idle clock that restarts at the call's end passes.
    time.advance(5 * IDLE_MS + IDLE_MS / 2);
    expect(server?.sessionCount).toBe(1);
    tools?.gate.resolve();
    expect((await call).text).toContain('passed');

    time.advance(IDLE_MS - 1);
    expect(server?.sessionCount).toBe(1);
    time.advance(1);
    expect(server?.sessionCount).toBe(0);
    await expectGone(raw);
  });

  it('keeps a session whose GET stream is open, and lets it expire once the stream closed', async () => {
    const time = new ManualTimers();
    const { url } = await start(time);
    const raw = await openClient(url);
    const stream = await raw.openStream();
    expect(stream.status).toBe(200);

    time.advance(5 * IDLE_MS);
    expect(server?.sessionCount).toBe(1);

    stream.close();
    // The server sees the stream close on its next I/O turn; each round trip to /healthz (not activity) gives it
    // one. Until it has, every period finds the session busy and looks again.
    const healthz = url.replace('/mcp', '/healthz');
    for (let attempt = 0; attempt < 50 && server?.sessionCount === 1; attempt += 1) {
      await (await fetch(healthz)).text();
      time.advance(IDLE_MS);
    }
    expect(server?.sessionCount).toBe(0);
    await expectGone(raw);
  });

  it('never expires sessions with sessionIdleTimeoutMs 0, and schedules no timer for them', async () => {
    const time = new ManualTimers();
    const { url } = await start(time, { sessionIdleTimeoutMs: 0 });
    const raw = await openClient(url);
    expect(time.pendingDelays()).toEqual([]);
    time.advance(2 ** 31);
    await expectServes(raw);
  });

  it('clears every idle timer when the server closes', async () => {
    const time = new ManualTimers();
    const { url } = await start(time);
    await openClient(url);
    await openClient(url);
    expect(time.pendingDelays()).toEqual([IDLE_MS, IDLE_MS]);
    await server?.close();
    expect(time.pendingDelays()).toEqual([]);
  });
});

describe('the session cap', () => {
  it('evicts the longest-idle session to open one beyond maxSessions; the evicted id gets 404', async () => {
    const time = new ManualTimers();
    const { url } = await start(time, { maxSessions: 2 });
    const first = await openClient(url);
    time.advance(10);
    const second = await openClient(url);
    time.advance(10);
    // first is used again: second is now the longest idle.
    await expectServes(first);

    const third = await openClient(url);
    expect(server?.sessionCount).toBe(2);
    await expectGone(second);
    await expectServes(first);
    await expectServes(third);
  });

  it('refuses a new session with 503 when every session is busy, and evicts none of them', async () => {
    const time = new ManualTimers();
    const { url } = await start(time, { maxSessions: 2 });
    const streaming = await openClient(url);
    const calling = await openClient(url);
    const stream = await streaming.openStream();
    const call = calling.post(callRequest(3, 'local.gate'));
    await tools?.gateEntered.promise;

    const refused = new RawMcpClient(url);
    raws.push(refused);
    const answer = await refused.post(INITIALIZE);
    expect(answer.status).toBe(503);
    expect(errorOf(answer)).toMatchObject({ code: -32000 });
    expect(errorOf(answer).message).toContain('maximum of 2 MCP sessions');
    expect(server?.sessionCount).toBe(2);

    tools?.gate.resolve();
    expect((await call).text).toContain('passed');
    // The call ended: calling is idle now, so a new session evicts it and the streaming one stays.
    const next = await openClient(url);
    await expectServes(next);
    await expectGone(calling);
    await expectServes(streaming);
    stream.close();
  });
});

describe('options', () => {
  it('rejects an idle timeout or a session cap out of range with invalid_options', async () => {
    const time = new ManualTimers();
    for (const options of [
      { sessionIdleTimeoutMs: -1 },
      { sessionIdleTimeoutMs: 1.5 },
      { sessionIdleTimeoutMs: 2 ** 31 },
      { maxSessions: 0 },
      { maxSessions: Number.POSITIVE_INFINITY },
    ]) {
      const failure = await start(time, options).catch((error: unknown) => error);
      expect(failure, JSON.stringify(options)).toBeInstanceOf(HostServerError);
      expect(failure).toMatchObject({ code: 'invalid_options' });
      expect((failure as Error).message).toContain(Object.keys(options)[0]);
    }
  });
});
