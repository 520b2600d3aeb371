import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostMetrics } from '../../src/metrics.js';
import { createHostHttpServer, type HostHttpServer } from '../../src/server/index.js';
import { callRequest, createTransportRegistry, INITIALIZE, RawMcpClient } from './transport-support.js';

const MAX_BODY_BYTES = 2048;
let server: HostHttpServer;
let raw: RawMcpClient;

beforeEach(async () => {
  server = await createHostHttpServer({
    registry: createTransportRegistry().registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    getStatus: () => ({}),
    isReady: () => true,
    serverInfo: { name: 'refusal-test', version: '1' },
    maxRequestBodyBytes: MAX_BODY_BYTES,
  });
  raw = new RawMcpClient(server.url);
});

afterEach(async () => {
  await raw.close();
  await server.close();
});

const echo = callRequest(1, 'local.echo', { text: 'x' });

function errorOf(text: string): { code: number; message: string } {
  return (JSON.parse(text) as { error: { code: number; message: string } }).error;
}

describe('POST headers', () => {
  it('answers 406 unless Accept allows both application/json and text/event-stream', async () => {
    await raw.open();
    for (const accept of [
      'application/json',
      'text/event-stream',
      'text/html',
      'application/json;q=0, text/event-stream',
    ]) {
      const answer = await raw.post(echo, { accept });
      expect(answer.status, accept).toBe(406);
      expect(errorOf(answer.text).message).toContain('Accept');
    }
    for (const accept of [
      '*/*',
      'application/*, text/event-stream',
      'TEXT/EVENT-STREAM;q=0.5, Application/JSON',
    ]) {
      expect((await raw.post(echo, { accept })).status, accept).toBe(200);
    }
  });

  it('refuses an initialize without the Accept it needs with 406, and opens no session', async () => {
    const answer = await raw.post(INITIALIZE, { accept: 'application/json' });
    expect(answer.status).toBe(406);
    expect(server.sessionCount).toBe(0);
  });

  it('answers 415 unless the Content-Type is application/json (parameters allowed)', async () => {
    await raw.open();
    const answer = await raw.post(echo, { 'content-type': 'text/plain' });
    expect(answer.status).toBe(415);
    expect(errorOf(answer.text)).toMatchObject({ code: -32000 });
    expect((await raw.post(echo, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
  });

  it('answers 400 for an MCP-Protocol-Version it does not speak, and takes supported or missing ones', async () => {
    await raw.open();
    const answer = await raw.post(echo, { 'mcp-protocol-version': '1999-01-01' });
    expect(answer.status).toBe(400);
    expect(errorOf(answer.text).message).toContain('1999-01-01');
    expect((await raw.post(echo, { 'mcp-protocol-version': '2025-03-26' })).status).toBe(200);
    const withoutVersion = await raw.send('POST', JSON.stringify(echo), {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': String(raw.sessionId),
    });
    expect(withoutVersion.status).toBe(200);
  });
});

describe('POST bodies', () => {
  it('answers 413 for a body over maxRequestBodyBytes and closes that connection; the session serves on', async () => {
    await raw.open();
    const big = callRequest(1, 'local.echo', { text: 'x'.repeat(MAX_BODY_BYTES) });
    const answer = await raw.post(big);
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe('close');
    expect(errorOf(answer.text).message).toContain(String(MAX_BODY_BYTES));
    expect((await raw.post(echo)).status).toBe(200);
  });

  it('answers 400 with a JSON-RPC parse error for a body that is not JSON', async () => {
    await raw.open();
    const answer = await raw.post('{"jsonrpc": "2.0", "id": 1,');
    expect(answer.status).toBe(400);
    expect(errorOf(answer.text).code).toBe(-32700);
  });

  it('answers 400 Invalid Request for JSON that is not JSON-RPC, an empty batch or an oversized one', async () => {
    await raw.open();
    for (const body of [
      { hello: 'world' },
      { jsonrpc: '1.0', id: 1, method: 'ping' },
      { jsonrpc: '2.0', id: { nested: true }, method: 'ping' },
      [],
      // Over the batch limit: refused before any message is looked at.
      Array.from({ length: 101 }, () => 0),
    ]) {
      const answer = await raw.post(body);
      expect(answer.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(errorOf(answer.text).code).toBe(-32600);
    }
  });

  it('refuses a second initialize on a session, and an initialize batched with other messages', async () => {
    await raw.open();
    const again = await raw.post({ ...INITIALIZE, id: 99 });
    expect(again.status).toBe(400);
    expect(errorOf(again.text).message).toContain('already initialized');

    const fresh = new RawMcpClient(server.url);
    try {
      const batched = await fresh.post([INITIALIZE, { jsonrpc: '2.0', id: 2, method: 'ping' }]);
      expect(batched.status).toBe(400);
      expect(server.sessionCount).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});

describe('GET and other methods', () => {
  it('answers 406 to a GET that does not accept text/event-stream', async () => {
    await raw.open();
    const answer = await raw.send('GET', undefined, { accept: 'application/json' });
    expect(answer.status).toBe(406);
  });

  it('answers 409 to a second GET stream while the first is open, and takes a new one once it closed', async () => {
    await raw.open();
    const first = await raw.openStream();
    expect(first.status).toBe(200);
    const second = await raw.send('GET', undefined);
    expect(second.status).toBe(409);
    expect(errorOf(second.text).message).toContain('already has its GET event stream');

    first.close();
    // The server frees the slot when it sees the connection close, which a new GET may overtake: each refused
    // attempt is a round trip, so a bounded number of them outlasts the close.
    let third = await raw.openStream();
    for (let attempt = 0; third.status === 409 && attempt < 50; attempt += 1) third = await raw.openStream();
    expect(third.status).toBe(200);
    third.close();
  });

  it('answers 405 with an Allow header to other methods on a session', async () => {
    await raw.open();
    const answer = await raw.send('PUT', '{}', { 'content-type': 'application/json' });
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, POST, DELETE');
  });
});
