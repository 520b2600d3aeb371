import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { Agent, fetch as undiciFetch } from 'undici';

/** A promise with its resolver outside. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** What the local tools saw; tests read and steer it. */
export interface ToolObservations {
  /** Resolves with the signal of the running `wait` call once its handler started. */
  waitStarted: ReturnType<typeof deferred<AbortSignal>>;
  /** Resolves with the abort reason once the `wait` call's signal fires. */
  waitAborted: ReturnType<typeof deferred<unknown>>;
  /** `gate` calls block until this resolves. */
  gate: ReturnType<typeof deferred<void>>;
  /** Resolves once a `gate` call is running. */
  gateEntered: ReturnType<typeof deferred<void>>;
}

export const ADD_RESULT: CallToolResult = {
  content: [{ type: 'text', text: '5' }],
  structuredContent: { sum: 5 },
};
export const FAIL_RESULT: CallToolResult = {
  content: [{ type: 'text', text: 'upstream said no' }],
  isError: true,
};

/** The params `local.relay` sends with each method it relays. */
const RELAY_PARAMS: Record<string, Record<string, unknown>> = {
  'sampling/createMessage': {
    messages: [{ role: 'user', content: { type: 'text', text: 'hello?' } }],
    maxTokens: 5,
  },
  'elicitation/create': { message: 'Name?', requestedSchema: { type: 'object', properties: {} } },
  'roots/list': {},
};

/** A registry with one connector, `local`, whose tools are local functions. */
export function createTestRegistry(): { registry: VersionedToolRegistry; observed: ToolObservations } {
  const registry = new VersionedToolRegistry({ logger: { warn: () => {} } });
  const observed: ToolObservations = {
    waitStarted: deferred<AbortSignal>(),
    waitAborted: deferred<unknown>(),
    gate: deferred(),
    gateEntered: deferred(),
  };
  const object = (properties: Record<string, unknown> = {}) => ({ type: 'object' as const, properties });
  registry.replaceConnectorTools('local', [
    {
      name: 'echo',
      title: 'Echo',
      description: 'Echoes text.',
      inputSchema: {
        ...object({ text: { type: 'string' } }),
        required: ['text'],
        additionalProperties: false,
      },
      annotations: { readOnlyHint: true },
      _meta: { 'example.com/origin': 'test' },
      handler: async (args) => ({ content: [{ type: 'text', text: String(args.text) }] }),
    },
    {
      name: 'add',
      description: 'Adds.',
      inputSchema: object({ a: { type: 'number' }, b: { type: 'number' } }),
      outputSchema: object({ sum: { type: 'number' } }),
      handler: async () => ADD_RESULT,
    },
    { name: 'fail', inputSchema: object(), handler: async () => FAIL_RESULT },
    {
      name: 'throws',
      inputSchema: object(),
      handler: async () => {
        throw new Error('socket hang up');
      },
    },
    {
      name: 'count',
      inputSchema: object({ to: { type: 'number' } }),
      handler: async (args, context) => {
        const to = Number(args.to);
        for (let step = 1; step <= to; step += 1) {
          context.onProgress?.({ progress: step, total: to, message: `step ${step}` });
        }
        return { content: [{ type: 'text', text: `counted to ${to}` }] };
      },
    },
    {
      name: 'wait',
      inputSchema: object(),
      handler: (_args, context) =>
        new Promise((resolve) => {
          const signal = context.signal as AbortSignal;
          signal.addEventListener('abort', () => {
            observed.waitAborted.resolve(signal.reason);
            resolve({ content: [{ type: 'text', text: 'cancelled' }] });
          });
          observed.waitStarted.resolve(signal);
        }),
    },
    {
      // Logs `<tag> info` (info) and `<tag> error` (error, logger "db") to its caller, then relays each method of
      // `ask` to its caller and answers with what came back, or the error's code and message.
      name: 'relay',
      inputSchema: object({ tag: { type: 'string' }, ask: { type: 'array' } }),
      handler: async (args, context) => {
        const tag = String(args.tag);
        context.onLog?.({ level: 'info', data: `${tag} info` });
        context.onLog?.({ level: 'error', logger: 'db', data: `${tag} error` });
        const answers: unknown[] = [];
        for (const method of (args.ask as string[] | undefined) ?? []) {
          const params = RELAY_PARAMS[method] ?? {};
          try {
            answers.push(
              await context.onRequest?.({ method, params }, { signal: context.signal as AbortSignal }),
            );
          } catch (error) {
            const { code, message, data } = error as { code?: number; message: string; data?: unknown };
            answers.push({ code, message, ...(data === undefined ? {} : { data }) });
          }
        }
        return { content: [{ type: 'text', text: JSON.stringify(answers) }] };
      },
    },
    {
      // Fails as the connector proxy does when the upstream answers -32042 (URL elicitation required).
      name: 'needs-consent',
      inputSchema: object(),
      handler: async () => {
        throw Object.assign(new Error('the upstream refused the call'), {
          rpcCode: -32042,
          rpcMessage: 'MCP error -32042: Open the consent page first',
          rpcData: {
            elicitations: [
              {
                mode: 'url',
                elicitationId: 'consent-1',
                url: 'https://example.com/consent',
                message: 'Consent',
              },
            ],
          },
        });
      },
    },
    {
      name: 'gate',
      inputSchema: object(),
      handler: async () => {
        observed.gateEntered.resolve();
        await observed.gate.promise;
        return { content: [{ type: 'text', text: 'passed' }] };
      },
    },
  ]);
  return { registry, observed };
}

/** An SDK client over Streamable HTTP with its own connection pool, closed with it. */
export interface TestClient {
  client: Client;
  /** Resolves once the client's standalone GET stream is open (server-initiated notifications can reach it). */
  streamOpen: Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects a real SDK client to `url`, declaring `capabilities`; `prepare` may set its request handlers before it
 * connects.
 */
export async function connectHttpClient(
  url: string,
  capabilities: ClientCapabilities = {},
  prepare: (client: Client) => void = () => {},
): Promise<TestClient> {
  const agent = new Agent();
  const opened = deferred();
  // The SDK client opens its GET stream after `initialized`, on its own schedule; tests that expect a
  // server-initiated notification wait for the stream's answer headers (the server registers the stream before).
  const observingFetch: FetchLike = async (input, init) => {
    const response = await undiciFetch(input as string, { ...(init as object), dispatcher: agent });
    if ((init?.method ?? 'GET') === 'GET' && response.ok) opened.resolve();
    return response as unknown as Response;
  };
  const client = new Client({ name: 'test-client', version: '1.0.0' }, { capabilities });
  prepare(client);
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: observingFetch }));
  return {
    client,
    streamOpen: opened.promise,
    close: async () => {
      await client.close();
      await agent.close();
    },
  };
}

/** A raw answer: status, headers and the whole body as text. */
export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on its own connection to 127.0.0.1:`port`, with any Host header (fetch would not let us set it). */
export function rawRequest(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host: `127.0.0.1:${port}`, ...options.headers },
        agent: false,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
