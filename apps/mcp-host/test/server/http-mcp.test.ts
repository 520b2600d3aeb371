import type { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import {
  CallToolResultSchema,
  CreateMessageRequestSchema,
  ElicitationCompleteNotificationSchema,
  ElicitRequestSchema,
  EmptyResultSchema,
  ErrorCode,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  McpError,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostMetrics } from '../../src/metrics.js';
import { createHostHttpServer, type HostHttpServer, toListedTool } from '../../src/server/index.js';
import { waitFor } from '../e2e/helpers/wait.js';
import {
  ADD_RESULT,
  connectHttpClient,
  createTestRegistry,
  deferred,
  FAIL_RESULT,
  type TestClient,
  type ToolObservations,
} from './support.js';

let registry: VersionedToolRegistry;
let observed: ToolObservations;
let metrics: HostMetrics;
let server: HostHttpServer;
const clients: TestClient[] = [];

beforeEach(async () => {
  ({ registry, observed } = createTestRegistry());
  metrics = new HostMetrics({ defaultMetrics: false });
  server = await createHostHttpServer({
    registry,
    metrics,
    getStatus: () => ({}),
    isReady: () => true,
    serverInfo: { name: 'cortex-test', version: '9.9.9' },
  });
});

afterEach(async () => {
  observed.gate.resolve();
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await server.close();
});

async function connect(): Promise<TestClient> {
  const connected = await connectHttpClient(server.url);
  clients.push(connected);
  return connected;
}

describe('the MCP endpoint over Streamable HTTP', () => {
  it('announces tools that may change and logging, under the given server info', async () => {
    const { client } = await connect();
    expect(client.getServerVersion()).toMatchObject({ name: 'cortex-test', version: '9.9.9' });
    expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true }, logging: {} });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/mcp`);
  });

  it('lists the registry snapshot without handlers or routing metadata', async () => {
    const { client } = await connect();
    const { tools } = await client.listTools();
    expect(tools).toEqual(registry.listTools().map(toListedTool));
    const echo = tools.find((tool) => tool.name === 'local.echo');
    expect(echo).toEqual({
      name: 'local.echo',
      title: 'Echo',
      description: 'Echoes text.',
      inputSchema: {
        type: 'object',
        properties: { text: { type: 'string' } },
        required: ['text'],
        additionalProperties: false,
      },
      annotations: { readOnlyHint: true },
      _meta: { 'example.com/origin': 'test' },
    });
    expect(Object.keys(tools[0] ?? {})).not.toContain('metadata');
  });

  it('returns the handler result unchanged, structured content and isError included', async () => {
    const { client } = await connect();
    await client.listTools();
    expect(await client.callTool({ name: 'local.add', arguments: { a: 2, b: 3 } })).toEqual(ADD_RESULT);
    expect(await client.callTool({ name: 'local.fail', arguments: {} })).toEqual(FAIL_RESULT);
    expect(await client.callTool({ name: 'local.echo', arguments: { text: 'hi' } })).toEqual({
      content: [{ type: 'text', text: 'hi' }],
    });
  });

  it('answers a call to an unknown tool with a JSON-RPC InvalidParams error naming it', async () => {
    const { client } = await connect();
    const error = await client.callTool({ name: 'local.nope', arguments: {} }).catch((caught) => caught);
    expect(error).toBeInstanceOf(McpError);
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('"local.nope"');
  });

  it('turns a handler that throws into an isError result naming the tool and connector', async () => {
    const { client } = await connect();
    const result = await client.callTool({ name: 'local.throws', arguments: {} });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([
      { type: 'text', text: 'Tool "local.throws" (connector "local") failed: socket hang up' },
    ]);
  });

  it('forwards progress to the client with its token', async () => {
    const { client } = await connect();
    const progress: unknown[] = [];
    const result = await client.callTool(
      { name: 'local.count', arguments: { to: 3 } },
      CallToolResultSchema,
      {
        onprogress: (update) => progress.push(update),
      },
    );
    expect(result.content).toEqual([{ type: 'text', text: 'counted to 3' }]);
    expect(progress).toEqual(
      [1, 2, 3].map((step) => ({ progress: step, total: 3, message: `step ${step}` })),
    );
  });

  it('gives the handler no progress callback when the client asked for none', async () => {
    const { client } = await connect();
    let sawProgress: boolean | undefined;
    registry.registerTool({
      name: 'probe',
      inputSchema: { type: 'object' },
      metadata: { connectorId: 'probe' },
      handler: async (_args, context) => {
        sawProgress = context.onProgress !== undefined;
        return { content: [] };
      },
    });
    await client.callTool({ name: 'probe', arguments: {} });
    expect(sawProgress).toBe(false);
  });

  it('aborts the handler signal when the client cancels the call', async () => {
    const { client } = await connect();
    const abort = new AbortController();
    const call = client.callTool({ name: 'local.wait', arguments: {} }, CallToolResultSchema, {
      signal: abort.signal,
    });
    const signal = await observed.waitStarted.promise;
    expect(signal.aborted).toBe(false);
    abort.abort('user pressed stop');
    await expect(call).rejects.toThrow();
    await observed.waitAborted.promise;
    expect(signal.aborted).toBe(true);
  });

  it('sends tools/list_changed to every connected session on a registry change', async () => {
    const sessions = [await connect(), await connect()];
    const notified = sessions.map(({ client }) => {
      const received = deferred();
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => received.resolve());
      return received.promise;
    });
    await Promise.all(sessions.map((session) => session.streamOpen));

    registry.replaceConnectorTools('extra', [
      { name: 'fresh', inputSchema: { type: 'object' }, handler: async () => ({ content: [] }) },
    ]);

    await Promise.all(notified);
    for (const { client } of sessions) {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('extra.fresh');
    }
  });

  it('sends one tools/list_changed for changes made in the same tick', async () => {
    const { client, streamOpen } = await connect();
    let count = 0;
    const first = deferred();
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      count += 1;
      first.resolve();
    });
    await streamOpen;
    registry.removeConnector('local');
    registry.replaceConnectorTools('other', [
      { name: 'x', inputSchema: { type: 'object' }, handler: async () => ({ content: [] }) },
    ]);
    await first.promise;
    // A round trip on the same session: anything sent before its answer has arrived by now.
    await client.listTools();
    expect(count).toBe(1);
  });

  it('sends a call’s log messages to its own session only, on the call’s stream, respecting logging/setLevel', async () => {
    const quiet = await connect();
    const chatty = await connect();
    await quiet.client.setLoggingLevel('error');
    const received = { quiet: [] as unknown[], chatty: [] as unknown[] };
    quiet.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      received.quiet.push(n.params);
    });
    chatty.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      received.chatty.push(n.params);
    });
    // Both calls at once: a log sent on a call's own response stream arrives before that call's answer.
    await Promise.all([
      quiet.client.callTool({ name: 'local.relay', arguments: { tag: 'Q' } }),
      chatty.client.callTool({ name: 'local.relay', arguments: { tag: 'C' } }),
    ]);

    expect(received.chatty).toEqual([
      { level: 'info', logger: 'local', data: 'C info' },
      { level: 'error', logger: 'local/db', data: 'C error' },
    ]);
    expect(received.quiet).toEqual([{ level: 'error', logger: 'local/db', data: 'Q error' }]);
  });

  it('answers logging/setLevel with an unknown level with -32602', async () => {
    const { client } = await connect();
    await expect(
      client.request({ method: 'logging/setLevel', params: { level: 'loud' } }, EmptyResultSchema),
    ).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
      message: expect.stringContaining('one of debug, info'),
    });
  });
});

describe('requests an upstream sends back to the calling client', () => {
  const ALL = ['sampling/createMessage', 'elicitation/create', 'roots/list'];

  /** A client that declares every client feature and answers each request naming `tag`. */
  async function capableClient(tag: string): Promise<TestClient & { asked: string[] }> {
    const asked: string[] = [];
    const connected = await connectHttpClient(
      server.url,
      { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } },
      (client) => {
        client.setRequestHandler(CreateMessageRequestSchema, async () => {
          asked.push('sampling');
          return { role: 'assistant', content: { type: 'text', text: `sampled by ${tag}` }, model: tag };
        });
        client.setRequestHandler(ElicitRequestSchema, async () => {
          asked.push('elicitation');
          return { action: 'accept', content: { name: tag } };
        });
        client.setRequestHandler(ListRootsRequestSchema, async () => {
          asked.push('roots');
          return { roots: [{ uri: `file:///${tag}` }] };
        });
      },
    );
    clients.push(connected);
    return { ...connected, asked };
  }

  function answersOf(result: unknown): unknown[] {
    return JSON.parse((result as { content: Array<{ text: string }> }).content[0]?.text ?? '[]');
  }

  it('relays sampling, elicitation and roots to the client whose call asked, and its answers back', async () => {
    const [a, b] = [await capableClient('A'), await capableClient('B')];
    const [resultA, resultB] = await Promise.all([
      a.client.callTool({ name: 'local.relay', arguments: { tag: 'A', ask: ALL } }),
      b.client.callTool({ name: 'local.relay', arguments: { tag: 'B', ask: ALL } }),
    ]);
    for (const [tag, result] of [
      ['A', resultA],
      ['B', resultB],
    ] as const) {
      expect(answersOf(result)).toEqual([
        { role: 'assistant', content: { type: 'text', text: `sampled by ${tag}` }, model: tag },
        { action: 'accept', content: { name: tag } },
        { roots: [{ uri: `file:///${tag}` }] },
      ]);
    }
    expect(a.asked).toEqual(['sampling', 'elicitation', 'roots']);
    expect(b.asked).toEqual(['sampling', 'elicitation', 'roots']);
  });

  it('refuses, naming the capability, what the calling client did not declare', async () => {
    const { client } = await connect();
    // No "MCP error -32601: " in the message: the upstream's SDK puts it in on receipt.
    const result = await client.callTool({ name: 'local.relay', arguments: { tag: 'N', ask: ALL } });
    expect(answersOf(result)).toEqual([
      {
        code: ErrorCode.MethodNotFound,
        message: expect.stringMatching(/^The client of this call did not declare the sampling capability/),
      },
      {
        code: ErrorCode.MethodNotFound,
        message: expect.stringMatching(/^The client of this call did not declare the elicitation capability/),
      },
      {
        code: ErrorCode.MethodNotFound,
        message: expect.stringMatching(/^The client of this call did not declare the roots capability/),
      },
    ]);
  });

  it('passes an upstream’s -32042 through untouched, and the elicitation’s completion to that client only', async () => {
    const completed: { asker: string[]; other: string[] } = { asker: [], other: [] };
    const connectWatching = async (seen: string[]) => {
      const connected = await connectHttpClient(
        server.url,
        { elicitation: { form: {}, url: {} } },
        (client) => {
          client.setNotificationHandler(ElicitationCompleteNotificationSchema, (notification) => {
            seen.push(notification.params.elicitationId);
          });
        },
      );
      clients.push(connected);
      return connected;
    };
    const [asker, other] = [await connectWatching(completed.asker), await connectWatching(completed.other)];
    await Promise.all([asker.streamOpen, other.streamOpen]);
    const refused = asker.client.callTool({ name: 'local.needs-consent', arguments: {} });
    // The SDK client turns it into its UrlElicitationRequiredError: code and data as the upstream sent them.
    await expect(refused).rejects.toMatchObject({
      code: -32042,
      data: { elicitations: [{ mode: 'url', elicitationId: 'consent-1' }] },
    });

    server.elicitationComplete('local', 'consent-1');
    server.elicitationComplete('local', 'consent-1'); // told once: the second goes nowhere
    // The notification travels on the asker's GET stream, not ordered with anything the test awaits.
    await waitFor('the completion at the asker', async () => (completed.asker.length > 0 ? true : undefined));
    expect(completed.asker).toEqual(['consent-1']);
    expect(completed.other).toEqual([]);
  });

  it('gives up on a client that never answers after clientRequestTimeoutMs, and tells the client so', async () => {
    const impatient = await createHostHttpServer({
      registry,
      metrics,
      getStatus: () => ({}),
      isReady: () => true,
      serverInfo: { name: 'cortex-test', version: '9.9.9' },
      clientRequestTimeoutMs: 100,
    });
    const cancelled = deferred();
    try {
      const connected = await connectHttpClient(impatient.url, { sampling: {} }, (client) => {
        client.setRequestHandler(
          CreateMessageRequestSchema,
          (_request, extra) =>
            new Promise(() => {
              extra.signal.addEventListener('abort', () => cancelled.resolve());
            }),
        );
      });
      clients.push(connected);
      const result = await connected.client.callTool({
        name: 'local.relay',
        // Twice: the SDK client (1.x) ignores the cancellation of request id 0, the session's first
        // (modelcontextprotocol/typescript-sdk#2283, fixed in its 2.x line), so the second one (id 1) shows it.
        arguments: { tag: 'T', ask: ['sampling/createMessage', 'sampling/createMessage'] },
      });
      const timedOut = {
        code: ErrorCode.RequestTimeout,
        message: 'Request timed out',
        data: { timeout: 100 },
      };
      expect(answersOf(result)).toEqual([timedOut, timedOut]);
      await cancelled.promise; // the client got notifications/cancelled for the request it never answered
    } finally {
      await impatient.close();
    }
  });

  it('passes the client’s JSON-RPC error back with its code, message and data', async () => {
    const connected = await connectHttpClient(server.url, { sampling: {} }, (client) => {
      client.setRequestHandler(CreateMessageRequestSchema, async () => {
        throw new McpError(-32042, 'ask the user first', { url: 'https://example.com/consent' });
      });
    });
    clients.push(connected);
    const result = await connected.client.callTool({
      name: 'local.relay',
      arguments: { tag: 'E', ask: ['sampling/createMessage'] },
    });
    expect(answersOf(result)).toEqual([
      // The message as the client sent it (its SDK's McpError put the prefix in).
      {
        code: -32042,
        message: 'MCP error -32042: ask the user first',
        data: { url: 'https://example.com/consent' },
      },
    ]);
  });
});

describe('sessions', () => {
  it('answers a request naming an unknown session with 404', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': 'no-such-session',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: -32001 } });
  });

  it('refuses anything but initialize without a session id, and opens no session for it', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(400);
    expect(server.sessionCount).toBe(0);
  });

  it('ends a session on DELETE; its id is unknown afterwards', async () => {
    const connected = await connect();
    const transport = connected.client.transport as unknown as {
      sessionId: string;
      terminateSession(): Promise<void>;
    };
    const { sessionId } = transport;
    expect(server.sessionCount).toBe(1);
    await transport.terminateSession();
    expect(server.sessionCount).toBe(0);
    const response = await fetch(server.url, {
      method: 'GET',
      headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId },
    });
    expect(response.status).toBe(404);
  });
});

describe('shutdown', () => {
  it('drain waits for a call in flight and refuses new calls meanwhile', async () => {
    const { client } = await connect();
    const call = client.callTool({ name: 'local.gate', arguments: {} });
    await observed.gateEntered.promise;

    let drained: number | undefined;
    const draining = server.drain(60_000).then((left) => {
      drained = left;
    });
    const refused = await client.callTool({ name: 'local.echo', arguments: { text: 'x' } }).catch((e) => e);
    expect(refused).toBeInstanceOf(McpError);
    expect(refused.message).toContain('shutting down');
    expect(drained).toBeUndefined();

    observed.gate.resolve();
    await draining;
    expect(drained).toBe(0);
    expect(await call).toEqual({ content: [{ type: 'text', text: 'passed' }] });
  });

  it('drain gives up at the deadline and reports the calls still running', async () => {
    const { client } = await connect();
    void client.callTool({ name: 'local.gate', arguments: {} }).catch(() => {});
    await observed.gateEntered.promise;
    expect(await server.drain(0)).toBe(1);
  });
});
