import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CallHandlers, RemoteToolProxy, type UpstreamLogEntry } from '../src/index.js';
import { type HttpFixtureServer, startHttpFixture } from './helpers/http-fixture-server.js';
import { createRelayServer } from './helpers/relay-server.js';
import { waitUntil } from './helpers/wait.js';

const CAPABILITIES = { sampling: {}, elicitation: { form: {}, url: {} }, roots: { listChanged: true } };
const ALL_ASKS = ['sampling', 'elicitation', 'roots'];
let fixture: HttpFixtureServer;
let proxy: RemoteToolProxy | undefined;
let proxyLogs: UpstreamLogEntry[];
let warnings: string[];
let elicitationsComplete: string[];

beforeAll(async () => {
  fixture = await startHttpFixture(createRelayServer);
});
afterEach(async () => {
  await proxy?.disconnect();
  proxy = undefined;
});
afterAll(async () => {
  await fixture.close();
});

async function connect(transport: 'streamable-http' | 'sse'): Promise<RemoteToolProxy> {
  proxyLogs = [];
  warnings = [];
  elicitationsComplete = [];
  proxy = new RemoteToolProxy({
    id: `relay-${transport}`,
    transport,
    url: transport === 'sse' ? fixture.sseUrl : fixture.streamableUrl,
    clientCapabilities: CAPABILITIES,
    onLog: (entry) => proxyLogs.push(entry),
    onRootsList: async () => ({ roots: [{ uri: 'file:///proxy' }] }),
    onElicitationComplete: (id) => elicitationsComplete.push(id),
    logger: { warn: (_fields, message) => warnings.push(message ?? '') },
  });
  await proxy.connect();
  return proxy;
}

/** A downstream client of its own: what its call's handlers received, and answers naming `tag`. */
function client(tag: string) {
  const logs: unknown[] = [];
  const requests: string[] = [];
  const handlers: CallHandlers = {
    onLog: (entry) => logs.push(entry.related ? entry.data : 'unrelated!'),
    onRequest: async ({ method }) => {
      requests.push(method);
      if (method === 'sampling/createMessage') {
        return { role: 'assistant', content: { type: 'text', text: `sampled ${tag}` }, model: tag };
      }
      if (method === 'elicitation/create') return { action: 'accept', content: { answer: tag } };
      return { roots: [{ uri: `file:///${tag}` }] };
    },
  };
  return { logs, requests, handlers };
}

function openedStreams(): number {
  return fixture.requests.filter((seen) => seen.method === 'GET' && seen.path === '/mcp').length;
}

function answersText(result: CallToolResult): string {
  return (result.content[0] as { text: string }).text;
}

function answersOf(result: CallToolResult): Array<Record<string, unknown>> {
  return JSON.parse((result.content[0] as { text: string }).text);
}

const answeredBy = (tag: string) => [
  { role: 'assistant', content: { type: 'text', text: `sampled ${tag}` }, model: tag },
  { action: 'accept', content: { answer: tag } },
  { roots: [{ uri: `file:///${tag}` }] },
];

describe('over Streamable HTTP', () => {
  it('routes each call’s logs and server→client requests to that call only', async () => {
    const upstream = await connect('streamable-http');
    const [a, b] = [client('A'), client('B')];
    const [resultA, resultB] = await Promise.all([
      upstream.callTool('ask', { tag: 'A', together: 2, ask: ALL_ASKS }, a.handlers),
      upstream.callTool('ask', { tag: 'B', together: 2, ask: ALL_ASKS }, b.handlers),
    ]);
    expect(answersOf(resultA)).toEqual(answeredBy('A'));
    expect(answersOf(resultB)).toEqual(answeredBy('B'));
    expect(a.logs).toEqual(['log A']);
    expect(b.logs).toEqual(['log B']);
    expect(a.requests).toEqual(['sampling/createMessage', 'elicitation/create', 'roots/list']);
    expect(b.requests).toEqual(a.requests);
    expect(proxyLogs).toEqual([]);
  });

  it('declares the client capabilities upstream', async () => {
    await connect('streamable-http');
    const server = fixture.servers.at(-1) as McpServer;
    // The SDK fills in defaults (`elicitation: { form: {} }`).
    expect(server.server.getClientCapabilities()).toMatchObject(CAPABILITIES);
  });

  it('gives a log of no call to the proxy’s onLog, unrelated, and refuses a request of no call', async () => {
    const streamsBefore = openedStreams();
    const upstream = await connect('streamable-http');
    const server = fixture.servers.at(-1) as McpServer;
    // Messages of no request travel on the standalone GET stream: wait until this session's is open.
    await waitUntil(() => openedStreams() > streamsBefore, 5_000, 'the GET stream');
    await upstream.getTools();
    await server.sendLoggingMessage({ level: 'info', data: 'outside' });
    await waitUntil(() => proxyLogs.length > 0, 5_000, 'the unrelated log');
    expect(proxyLogs).toEqual([
      { connectorId: 'relay-streamable-http', level: 'info', data: 'outside', related: false },
    ]);
    const sampling = server.server.createMessage({ messages: [], maxTokens: 1 });
    await expect(sampling).rejects.toThrow(
      /-32603.*cannot tell which client this sampling\/createMessage is for/,
    );
    expect(warnings).toContain('refused a server→client request that belongs to no forwarded request');
    await expect(server.server.listRoots()).resolves.toEqual({ roots: [{ uri: 'file:///proxy' }] });
  });

  it('gives a roots/list sent outside the one call in flight to that call, and refuses anything else sent so', async () => {
    const streamsBefore = openedStreams();
    const upstream = await connect('streamable-http');
    await waitUntil(() => openedStreams() > streamsBefore, 5_000, 'the GET stream');
    const only = client('R');
    const result = await upstream.callTool('ask-outside', {}, only.handlers);
    expect(answersOf(result)).toEqual([
      { roots: [{ uri: 'file:///R' }] },
      {
        error: expect.stringMatching(/cannot tell which client this sampling\/createMessage is for/),
        code: -32603,
      },
    ]);
    expect(only.requests).toEqual(['roots/list']);
  });

  it('refuses the server→client requests of a call that gave no onRequest, and logs it as related', async () => {
    const upstream = await connect('streamable-http');
    const result = await upstream.callTool('ask', { tag: 'C', together: 1, ask: ['sampling'] });
    expect(answersOf(result)).toEqual([
      { error: 'MCP error -32601: the caller of this request takes no sampling/createMessage', code: -32601 },
    ]);
    expect(proxyLogs).toMatchObject([{ data: 'log C', related: true }]);
  });
});

describe('over legacy SSE (no per-request streams)', () => {
  it('relates everything to the one call in flight', async () => {
    const upstream = await connect('sse');
    const only = client('S');
    const result = await upstream.callTool('ask', { tag: 'S', together: 1, ask: ALL_ASKS }, only.handlers);
    expect(answersOf(result)).toEqual(answeredBy('S'));
    expect(only.logs).toEqual(['log S']);
    expect(proxyLogs).toEqual([]);
  });

  it('relates nothing while two calls are in flight: logs go unrelated, requests are refused', async () => {
    const upstream = await connect('sse');
    const [a, b] = [client('A'), client('B')];
    const results = await Promise.all([
      upstream.callTool('ask', { tag: 'A', together: 2, ask: ['sampling'] }, a.handlers),
      upstream.callTool('ask', { tag: 'B', together: 2, ask: ['sampling'] }, b.handlers),
    ]);
    for (const result of results) {
      expect(answersOf(result)).toEqual([
        {
          error: expect.stringMatching(/^MCP error -32603: connector proxy .*cannot tell which client/),
          code: -32603,
        },
      ]);
    }
    expect([...a.logs, ...b.logs, ...a.requests, ...b.requests]).toEqual([]);
    expect(proxyLogs.map((entry) => [entry.data, entry.related]).sort()).toEqual([
      ['log A', false],
      ['log B', false],
    ]);
  });

  it('relates by the progress token a message carries, even with two calls in flight', async () => {
    const upstream = await connect('sse');
    const [a, b] = [client('A'), client('B')];
    const ask = (tag: string, handlers: CallHandlers) =>
      upstream.callTool(
        'ask',
        { tag, together: 2, ask: ['sampling'], echoToken: true },
        { ...handlers, onProgress: () => {} },
      );
    const [resultA, resultB] = await Promise.all([ask('A', a.handlers), ask('B', b.handlers)]);
    expect(answersOf(resultA)).toEqual(answeredBy('A').slice(0, 1));
    expect(answersOf(resultB)).toEqual(answeredBy('B').slice(0, 1));
    expect([a.logs, b.logs]).toEqual([['log A'], ['log B']]);
    expect(proxyLogs).toEqual([]);
  });

  it('sends a throw of onRequest back upstream as a JSON-RPC error', async () => {
    const upstream = await connect('sse');
    const onRequest = async () => {
      throw new Error('the user declined');
    };
    const result = await upstream.callTool(
      'ask',
      { tag: 'T', together: 1, ask: ['sampling'] },
      { onRequest },
    );
    expect(answersOf(result)).toEqual([
      { error: expect.stringMatching(/-32603.*the user declined/), code: -32603 },
    ]);
  });

  it('keeps the code and data of an error onRequest throws', async () => {
    const upstream = await connect('sse');
    const onRequest = async () => {
      throw Object.assign(new Error('declined by policy'), { code: -32042, data: { why: 'policy' } });
    };
    const result = await upstream.callTool(
      'ask',
      { tag: 'E', together: 1, ask: ['elicitation'] },
      { onRequest },
    );
    expect(answersOf(result)).toEqual([
      { error: expect.stringMatching(/declined by policy/), code: -32042, data: { why: 'policy' } },
    ]);
  });
});

describe('notifications about the client and its elicitations', () => {
  it('tells the upstream that the roots changed', async () => {
    const upstream = await connect('streamable-http');
    await upstream.notifyRootsListChanged();
    await upstream.notifyRootsListChanged();
    // Each notification is POSTed and accepted (202) once the upstream has handled it.
    expect(answersText(await upstream.callTool('roots-changes', {}))).toBe('2');
  });

  it('hands notifications/elicitation/complete to onElicitationComplete by its id', async () => {
    const upstream = await connect('sse');
    await upstream.callTool('finish-elicitation', { id: 'el-7' });
    await waitUntil(() => elicitationsComplete.length > 0, 5_000, 'the completion');
    expect(elicitationsComplete).toEqual(['el-7']);
  });

  it('sends no roots notification while not connected', async () => {
    const idle = new RemoteToolProxy({
      id: 'idle',
      url: fixture.streamableUrl,
      clientCapabilities: CAPABILITIES,
    });
    await expect(idle.notifyRootsListChanged()).resolves.toBeUndefined();
  });
});
