import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostMetrics } from '../../src/metrics.js';
import { createHostHttpServer, type HostHttpServer } from '../../src/server/index.js';
import { deferred } from './support.js';
import {
  callRequest,
  createTransportRegistry,
  RawMcpClient,
  sseMessages,
  type TransportTools,
} from './transport-support.js';

let server: HostHttpServer;
let registry: ReturnType<typeof createTransportRegistry>['registry'];
let tools: TransportTools;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(async () => {
  ({ registry, tools } = createTransportRegistry());
  server = await createHostHttpServer({
    registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    getStatus: () => ({}),
    isReady: () => true,
    serverInfo: { name: 'transport-test', version: '1' },
  });
});

afterEach(async () => {
  tools.gate.resolve();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await server.close();
});

async function rawSession(): Promise<RawMcpClient> {
  const raw = new RawMcpClient(server.url);
  cleanups.push(() => raw.close());
  await raw.open();
  return raw;
}

/** A real SDK client whose fetch records the content type of every POST answer, keyed by JSON-RPC method. */
async function recordingSdkClient() {
  const agent = new Agent();
  const answerTypes: { method: string; contentType: string | null }[] = [];
  const recordingFetch: FetchLike = async (input, init) => {
    const response = await undiciFetch(input as string, { ...(init as object), dispatcher: agent });
    if (init?.method === 'POST') {
      const { method } = JSON.parse(String(init.body)) as { method?: string };
      answerTypes.push({ method: method ?? 'response', contentType: response.headers.get('content-type') });
    }
    return response as unknown as Response;
  };
  const client = new Client({ name: 'sdk-client', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { fetch: recordingFetch }));
  cleanups.push(async () => {
    await client.close();
    await agent.close();
  });
  return { client, answerTypes };
}

describe('answers to requests', () => {
  it('answers a plain tool call with one application/json body, no event stream', async () => {
    const { client, answerTypes } = await recordingSdkClient();
    const result = await client.callTool({ name: 'local.echo', arguments: { text: 'hi' } });
    expect(result).toEqual({ content: [{ type: 'text', text: 'hi' }] });
    expect(answerTypes.filter(({ method }) => method === 'tools/call')).toEqual([
      { method: 'tools/call', contentType: 'application/json' },
    ]);

    const raw = await rawSession();
    const answer = await raw.post(callRequest(7, 'local.echo', { text: 'raw' }));
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.text)));
    expect(answer.headers['mcp-session-id']).toBe(raw.sessionId);
    expect(JSON.parse(answer.text)).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: { content: [{ type: 'text', text: 'raw' }] },
    });
  });

  it('switches to an event stream when progress comes first: the progress arrives before the result exists', async () => {
    const { client, answerTypes } = await recordingSdkClient();
    const firstProgress = deferred<unknown>();
    let settled = false;
    const call = client
      .callTool({ name: 'local.progress-then-gate', arguments: {} }, CallToolResultSchema, {
        onprogress: (progress) => firstProgress.resolve(progress),
      })
      .finally(() => {
        settled = true;
      });

    expect(await firstProgress.promise).toEqual({ progress: 1, total: 2, message: 'half way' });
    expect(settled).toBe(false); // the handler is still waiting at its gate: no result exists yet
    tools.gate.resolve();
    expect(await call).toEqual({ content: [{ type: 'text', text: 'done' }] });
    expect(answerTypes.find(({ method }) => method === 'tools/call')?.contentType).toBe('text/event-stream');
  });

  it('streams the progress event, then the result, and ends the stream after it (raw)', async () => {
    const raw = await rawSession();
    const answering = raw.post(callRequest(3, 'local.progress-then-gate', {}, { progressToken: 'p-1' }));
    await tools.gateEntered.promise;
    tools.gate.resolve();
    const answer = await answering;
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/event-stream');
    expect(answer.headers['mcp-session-id']).toBe(raw.sessionId);
    expect(sseMessages(answer.text)).toEqual([
      {
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: 'p-1', progress: 1, total: 2, message: 'half way' },
      },
      { jsonrpc: '2.0', id: 3, result: { content: [{ type: 'text', text: 'done' }] } },
    ]);
  });

  it('answers a batch of requests with one JSON array holding every answer', async () => {
    const raw = await rawSession();
    const answer = await raw.post([
      callRequest(1, 'local.echo', { text: 'a' }),
      { jsonrpc: '2.0', method: 'notifications/roots/list_changed' },
      callRequest('two', 'local.echo', { text: 'b' }),
    ]);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    const answers = JSON.parse(answer.text) as { id: unknown; result: unknown }[];
    expect(answers).toHaveLength(2);
    expect(answers.find(({ id }) => id === 1)?.result).toEqual({ content: [{ type: 'text', text: 'a' }] });
    expect(answers.find(({ id }) => id === 'two')?.result).toEqual({
      content: [{ type: 'text', text: 'b' }],
    });
  });

  it('answers a body of notifications or responses only with 202 and no body', async () => {
    const raw = await rawSession();
    const notification = await raw.post({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' });
    expect(notification.status).toBe(202);
    expect(notification.text).toBe('');
    const batch = await raw.post([
      { jsonrpc: '2.0', method: 'notifications/roots/list_changed' },
      { jsonrpc: '2.0', id: 'server-request-1', result: {} },
    ]);
    expect(batch.status).toBe(202);
    expect(batch.text).toBe('');
  });
});

describe('the GET stream and DELETE', () => {
  it('carries tools/list_changed on the GET stream, and a call’s log messages on the call’s own stream', async () => {
    const raw = await rawSession();
    const stream = await raw.openStream();
    cleanups.push(async () => stream.close());
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream');

    registry.replaceConnectorTools('extra', [
      { name: 'fresh', inputSchema: { type: 'object' }, handler: async () => ({ content: [] }) },
    ]);
    expect(await stream.next((message) => hasMethod(message, 'notifications/tools/list_changed'))).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/tools/list_changed',
    });

    const answer = await raw.post(callRequest(5, 'local.log-then-answer', {}));
    expect(answer.headers['content-type']).toBe('text/event-stream');
    expect(sseMessages(answer.text)).toEqual([
      {
        jsonrpc: '2.0',
        method: 'notifications/message',
        params: { level: 'warning', logger: 'local', data: 'disk almost full' },
      },
      { jsonrpc: '2.0', id: 5, result: { content: [{ type: 'text', text: 'logged' }] } },
    ]);
  });

  it('ends the session on DELETE: 200, the session is gone, its id is unknown afterwards', async () => {
    const raw = await rawSession();
    expect(server.sessionCount).toBe(1);
    const deleted = await raw.send('DELETE', undefined);
    expect(deleted.status).toBe(200);
    expect(server.sessionCount).toBe(0);
    const after = await raw.post(callRequest(1, 'local.echo', { text: 'x' }));
    expect(after.status).toBe(404);
    expect(JSON.parse(after.text)).toMatchObject({ error: { code: -32001 } });
  });
});

function hasMethod(message: unknown, method: string): boolean {
  return (message as { method?: string }).method === method;
}
