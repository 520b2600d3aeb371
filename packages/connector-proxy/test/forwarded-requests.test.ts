import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorProxyError, RemoteToolProxy } from '../src/index.js';
import { BLOB_READ, TEXT_READ } from './helpers/catalogue-answers.js';
import { createCatalogueServer, newSeen, onePageEach } from './helpers/catalogue-server.js';
import { type HttpFixtureServer, startHttpFixture } from './helpers/http-fixture-server.js';
import { waitUntil } from './helpers/wait.js';

const seen = newSeen();
let fixture: HttpFixtureServer;

beforeAll(async () => {
  fixture = await startHttpFixture(() => createCatalogueServer({ pages: onePageEach(), seen }));
});
afterAll(async () => {
  await fixture.close();
});

describe.each(['streamable-http', 'sse'] as const)('forwarded requests over %s', (transport) => {
  let proxy: RemoteToolProxy;

  beforeAll(async () => {
    const url = transport === 'sse' ? fixture.sseUrl : fixture.streamableUrl;
    proxy = new RemoteToolProxy({ id: `forward-${transport}`, transport, url });
    await proxy.connect();
  });
  afterAll(async () => {
    await proxy.disconnect();
  });

  it('reads a text resource and passes every member of the answer through unchanged', async () => {
    expect(await proxy.readResource('fixture://text')).toEqual(TEXT_READ);
  });

  it('reads a blob resource', async () => {
    expect(await proxy.readResource('fixture://blob')).toEqual(BLOB_READ);
  });

  it('gets a prompt filled with its arguments', async () => {
    expect(await proxy.getPrompt('greet', { name: 'Ada' })).toEqual({
      description: 'A greeting',
      messages: [{ role: 'user', content: { type: 'text', text: 'Hello, Ada!' } }],
      _meta: { 'fixture/prompt': true },
    });
  });

  it('completes a prompt argument and a resource template variable', async () => {
    const forPrompt = await proxy.complete({
      ref: { type: 'ref/prompt', name: 'greet' },
      argument: { name: 'name', value: 'A' },
    });
    expect(forPrompt.completion).toEqual({ values: ['Ada', 'Alan'], total: 2, hasMore: false });
    const forTemplate = await proxy.complete({
      ref: { type: 'ref/resource', uri: 'fixture://items/{id}' },
      argument: { name: 'id', value: '1' },
    });
    expect(forTemplate.completion.values).toEqual(['1', '10']);
  });

  it("relays the upstream's JSON-RPC error: -32002 for an unknown resource", async () => {
    const error = await proxy.readResource('fixture://missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorProxyError);
    expect(error).toMatchObject({
      code: 'protocol',
      rpcCode: -32002,
      rpcMessage: 'Resource not found',
      rpcData: { uri: 'fixture://missing' },
    });
    expect((error as Error).message).toContain('Resource not found');
    expect(proxy.available).toBe(true);
  });

  it("relays the upstream's JSON-RPC error of a tool call", async () => {
    const error = await proxy.callTool('echo', { text: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'protocol',
      rpcCode: -32602,
      rpcMessage: 'bad arguments for echo',
      rpcData: { field: 'text' },
    });
  });

  it('cancels a read upstream when the signal aborts', async () => {
    const started = new Promise<void>((resolve) => seen.slowReadStarted.push(resolve));
    const before = seen.cancelled.length;
    const controller = new AbortController();
    const read = proxy.readResource('fixture://slow', { signal: controller.signal });
    await started;
    controller.abort();
    const error = await read.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'aborted', rpcCode: undefined });
    await waitUntil(() => seen.cancelled.length > before, 5_000, 'upstream saw the cancellation');
  });

  it('fails a read that outlives timeoutMs with call_timeout and cancels it upstream', async () => {
    const before = seen.cancelled.length;
    const error = await proxy.readResource('fixture://slow', { timeoutMs: 50 }).catch((e: unknown) => e);
    expect((error as ConnectorProxyError).code).toBe('call_timeout');
    await waitUntil(() => seen.cancelled.length > before, 5_000, 'upstream saw the cancellation');
  });

  it("delivers a prompt's progress, each report restarting the timeout", async () => {
    const progress: Progress[] = [];
    // Three steps of 150 ms: 450 ms in all, past the 300 ms timeout, which each report restarts.
    const result = await proxy.getPrompt(
      'greet',
      { name: 'Grace', stepMs: '150' },
      { timeoutMs: 300, onProgress: (p) => progress.push(p) },
    );
    expect(result.messages[0]?.content).toEqual({ type: 'text', text: 'Hello, Grace!' });
    expect(progress.map((p) => [p.progress, p.total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });
});

describe('a feature the upstream does not advertise', () => {
  it('fails with unsupported at once, without a request', async () => {
    const bare = newSeen();
    const upstream = await startHttpFixture(() =>
      createCatalogueServer({ pages: onePageEach(), seen: bare, capabilities: { tools: {} } }),
    );
    const proxy = new RemoteToolProxy({ id: 'bare', url: upstream.streamableUrl });
    try {
      await proxy.connect();
      const attempts = [
        proxy.readResource('fixture://text'),
        proxy.getPrompt('greet', { name: 'x' }),
        proxy.complete({ ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'name', value: '' } }),
      ];
      for (const attempt of attempts) {
        const error = await attempt.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConnectorProxyError);
        expect((error as ConnectorProxyError).code).toBe('unsupported');
        expect((error as Error).message).toMatch(/does not offer (resources|prompts|completions)/);
      }
      expect(bare.methods).toEqual(['initialize', 'notifications/initialized']);
    } finally {
      await proxy.disconnect();
      await upstream.close();
    }
  });
});
