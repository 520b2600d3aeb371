// Issue 6, "Client side": every client fault gets the right answer, and the host keeps serving. One server for
// the whole file, so the faults pile up on it; after each one a real SDK client makes a successful tools/call.
import { connect } from 'node:net';
import { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HostMetrics } from '../../src/metrics.js';
import { createHostHttpServer, type HostHttpServer } from '../../src/server/index.js';
import { connectHttpClient, type TestClient } from './support.js';
import { callRequest, INITIALIZE, POST_HEADERS, type RawAnswer, RawMcpClient } from './transport-support.js';

const MAX_BODY_BYTES = 4096;
const registry = new VersionedToolRegistry({ logger: { warn: () => {} } });
const echoTool = (prefix: string) => ({
  name: 'echo',
  inputSchema: { type: 'object' as const },
  handler: async (args: Record<string, unknown>) => ({
    content: [{ type: 'text' as const, text: `${prefix}: ${String(args.text)}` }],
  }),
});
registry.replaceConnectorTools('local', [echoTool('local')]);
registry.replaceConnectorTools('doomed', [echoTool('doomed')]);

let server: HostHttpServer;
let client: TestClient;
let raw: RawMcpClient;

beforeAll(async () => {
  server = await createHostHttpServer({
    registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    getStatus: () => ({}),
    isReady: () => true,
    serverInfo: { name: 'client-faults-test', version: '1' },
    maxRequestBodyBytes: MAX_BODY_BYTES,
  });
  client = await connectHttpClient(server.url);
  raw = new RawMcpClient(server.url);
  await raw.open();
});

afterAll(async () => {
  await client.close();
  await raw.close();
  await server.close();
});

/** What a fault was answered with: the HTTP status (when there was an answer) and the JSON-RPC error. */
interface Outcome {
  readonly status?: number;
  readonly code?: number;
  readonly message?: string;
}

function outcomeOf(answer: RawAnswer): Outcome {
  const body = answer.text === '' ? undefined : (JSON.parse(answer.text) as { error?: Outcome });
  return {
    status: answer.status,
    ...(body?.error && { code: body.error.code, message: body.error.message }),
  };
}

const post = async (body: unknown, headers: Record<string, string> = {}) =>
  outcomeOf(await raw.post(body, headers));

/** A POST without any session header, as a client that never initialized (or lost its id) sends it. */
const postWithoutSession = async (body: unknown) => {
  const anonymous = new RawMcpClient(server.url);
  try {
    return outcomeOf(await anonymous.post(body));
  } finally {
    await anonymous.close();
  }
};

/** Sends a POST whose body stops half way, then drops the connection; there is no answer to read. */
async function postBrokenOff(): Promise<Outcome> {
  const socket = connect(server.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const head = [
    'POST /mcp HTTP/1.1',
    `Host: 127.0.0.1:${server.port}`,
    `Content-Type: ${POST_HEADERS['content-type']}`,
    `Accept: ${POST_HEADERS.accept}`,
    `Mcp-Session-Id: ${raw.sessionId}`,
    'Content-Length: 1000',
  ];
  socket.write(`${head.join('\r\n')}\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"tools/call"`);
  const closed = new Promise((resolve) => socket.once('close', resolve));
  socket.destroy();
  await closed;
  return {};
}

interface Fault {
  readonly fault: string;
  readonly send: () => Promise<Outcome>;
  readonly expected: Outcome;
}

const FAULTS: Fault[] = [
  {
    fault: 'a body that is not JSON',
    send: () => post('{"jsonrpc": "2.0", "id": 1,'),
    expected: { status: 400, code: -32700 },
  },
  {
    fault: 'JSON that is not JSON-RPC',
    send: () => post({ hello: 'world' }),
    expected: { status: 400, code: -32600 },
  },
  {
    fault: 'a JSON-RPC request of another version',
    send: () => post({ jsonrpc: '1.0', id: 1, method: 'tools/list' }),
    expected: { status: 400, code: -32600 },
  },
  {
    fault: 'a batch with one malformed message',
    send: () =>
      post([
        { jsonrpc: '2.0', id: 2, method: 'ping' },
        { jsonrpc: '2.0', id: [] },
      ]),
    expected: { status: 400, code: -32600 },
  },
  {
    fault: 'a tools/call whose params are malformed',
    // InvalidParams, not InternalError: the fault is the client's.
    send: () => post({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 42 } }),
    expected: { status: 200, code: -32602, message: 'Invalid tools/call request' },
  },
  {
    fault: 'an unknown method',
    send: () => post({ jsonrpc: '2.0', id: 4, method: 'tools/explode', params: {} }),
    expected: { status: 200, code: -32601, message: 'Method not found' },
  },
  {
    fault: 'a call to an unknown tool',
    send: () => post(callRequest(5, 'nobody.nothing')),
    expected: { status: 200, code: -32602, message: '"nobody.nothing"' },
  },
  {
    fault: 'a call to a tool of a removed connector that the client still lists',
    send: async () => {
      const { tools } = await client.client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('doomed.echo');
      registry.removeConnector('doomed');
      const failure = await client.client.callTool({ name: 'doomed.echo', arguments: { text: 'x' } }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(McpError);
      const { code, message } = failure as McpError;
      return { code, message };
    },
    expected: { code: -32602, message: '"doomed.echo"' },
  },
  {
    fault: 'a response to a request the server never sent',
    send: () => post({ jsonrpc: '2.0', id: 'never-asked', result: {} }),
    expected: { status: 202 },
  },
  {
    fault: 'a cancellation of a request that is not running',
    send: () =>
      post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'not-running' } }),
    expected: { status: 202 },
  },
  {
    fault: 'a body over maxRequestBodyBytes, refused before it is parsed',
    // Not JSON either: a 413 rather than a parse error shows the size is checked first.
    send: () => post(`{${'x'.repeat(MAX_BODY_BYTES)}`),
    expected: { status: 413, code: -32000, message: String(MAX_BODY_BYTES) },
  },
  {
    fault: 'a body that breaks off half way, the client gone',
    send: postBrokenOff,
    expected: {},
  },
  {
    fault: 'a browser Origin that is not allowed',
    send: () => post(callRequest(6, 'local.echo', { text: 'x' }), { origin: 'http://evil.example' }),
    expected: { status: 403, code: -32000, message: 'Origin' },
  },
  {
    fault: 'a Host that is not this server',
    send: () => post(callRequest(7, 'local.echo', { text: 'x' }), { host: 'rebound.example:80' }),
    expected: { status: 403, code: -32000, message: 'Host' },
  },
  {
    fault: 'a tools/call without a session id',
    send: () => postWithoutSession(callRequest(8, 'local.echo', { text: 'x' })),
    expected: { status: 400, code: -32000, message: 'initialize' },
  },
  {
    fault: 'a GET stream without a session id',
    send: async () => {
      const anonymous = new RawMcpClient(server.url);
      try {
        return outcomeOf(await anonymous.send('GET', undefined, { accept: 'text/event-stream' }));
      } finally {
        await anonymous.close();
      }
    },
    expected: { status: 400, code: -32000, message: 'Mcp-Session-Id' },
  },
  {
    fault: 'an unknown session id',
    send: () => post(callRequest(9, 'local.echo', { text: 'x' }), { 'mcp-session-id': 'no-such-session' }),
    expected: { status: 404, code: -32001 },
  },
  {
    fault: 'a second initialize on a session',
    send: () => post({ ...INITIALIZE, id: 10 }),
    expected: { status: 400, code: -32600, message: 'already initialized' },
  },
  {
    fault: 'an MCP-Protocol-Version the server does not speak',
    send: () => post(callRequest(11, 'local.echo', { text: 'x' }), { 'mcp-protocol-version': '1999-01-01' }),
    expected: { status: 400, message: '1999-01-01' },
  },
];

it.each(FAULTS)(
  '$fault: answered as it should be, and the host keeps serving',
  async ({ fault, send, expected }) => {
    const outcome = await send();
    expect(outcome).toMatchObject({
      ...(expected.status !== undefined && { status: expected.status }),
      ...(expected.code !== undefined && { code: expected.code }),
    });
    if (expected.message !== undefined) expect(outcome.message).toContain(expected.message);

    expect(await client.client.callTool({ name: 'local.echo', arguments: { text: fault } })).toEqual({
      content: [{ type: 'text', text: `local: ${fault}` }],
    });
    // The raw session that took most faults serves on as well.
    const answer = await raw.post(callRequest(100, 'local.echo', { text: 'after' }));
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('local: after');
  },
);
