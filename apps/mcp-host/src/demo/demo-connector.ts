import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { activeSubscriptions, type DemoCatalogueState, registerDemoCatalogue } from './demo-catalogue.js';

/** Options of {@link startDemoConnector}. */
export interface DemoConnectorOptions {
  /** Server name reported in `initialize`, and a prefix of its texts. */
  name: string;
  /** Port to listen on (127.0.0.1). Default 0: an ephemeral port. Pass a known port to restart "the same" server. */
  port?: number;
  /** When set, every request must carry `Authorization: Bearer <requiredBearer>` or gets 401. */
  requiredBearer?: string;
  /** Delay before answering `initialize`, to model a slow upstream. Default 0. */
  initializeDelayMs?: number;
  /** Delay added to every tool call. Default 0. */
  callDelayMs?: number;
  /** The `instructions` it gives in `initialize`. Default none. */
  instructions?: string;
  /** Adds the tools that exercise the catalogue (`link`, `touch`, `add-note`, `add-prompt`). Default false. */
  catalogueTools?: boolean;
}

/** What the demo connector has seen; tests read it. */
export interface DemoConnectorObservations {
  /** Tool calls in order: tool name and arguments. */
  calls: Array<{ tool: string; args: unknown }>;
  /** Calls whose request was cancelled by the client (notifications/cancelled reached the server). */
  cancelled: string[];
  /** `initialize` requests received. */
  initializations: number;
}

/** A running demo connector: Streamable HTTP at `/mcp`, legacy SSE at `/sse` (+ `POST /messages`). */
export interface DemoConnector {
  readonly name: string;
  readonly port: number;
  readonly streamableUrl: string;
  readonly sseUrl: string;
  readonly observations: DemoConnectorObservations;
  /** Resource subscriptions held at this upstream now: URI → sessions subscribed. */
  activeSubscriptions(): Record<string, number>;
  close(): Promise<void>;
}

/**
 * Starts a small, real MCP server on loopback for the embedded demo and for tests. Its tools: `echo`, `add`,
 * `count` (sends a progress notification per step), `wait` (runs until cancelled, or `ms` elapse) and `log`
 * (sends a `notifications/message`); and resources, a template, prompts, completion and subscriptions (with
 * `catalogueTools`, also the tools that exercise them: see `registerDemoCatalogue`).
 */
export async function startDemoConnector(options: DemoConnectorOptions): Promise<DemoConnector> {
  const observations: DemoConnectorObservations = { calls: [], cancelled: [], initializations: 0 };
  const streamable = new Map<string, StreamableHTTPServerTransport>();
  const sse = new Map<string, SSEServerTransport>();
  const sessions = new Set<McpServer>();
  const catalogue: DemoCatalogueState = { subscribers: new Map(), sessions: new Set() };

  const newSession = () => {
    const server = createDemoMcpServer(options, observations, catalogue);
    sessions.add(server);
    return server;
  };

  const httpServer = createServer((request, response) => {
    void route(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  });

  const route = async (request: IncomingMessage, response: ServerResponse) => {
    if (options.requiredBearer && request.headers.authorization !== `Bearer ${options.requiredBearer}`) {
      response.writeHead(401, { 'content-type': 'text/plain' }).end('missing or wrong bearer token');
      return;
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/mcp') return routeStreamable(request, response);
    if (url.pathname === '/sse' && request.method === 'GET') {
      const transport = new SSEServerTransport('/messages', response);
      sse.set(transport.sessionId, transport);
      response.on('close', () => sse.delete(transport.sessionId));
      await newSession().connect(transport);
      return;
    }
    if (url.pathname === '/messages' && request.method === 'POST') {
      const transport = sse.get(url.searchParams.get('sessionId') ?? '');
      if (!transport) {
        response.writeHead(404).end('unknown session');
        return;
      }
      await transport.handlePostMessage(request, response);
      return;
    }
    response.writeHead(404).end('not found');
  };

  const routeStreamable = async (request: IncomingMessage, response: ServerResponse) => {
    const sessionId = request.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? streamable.get(sessionId) : undefined;
    if (existing) {
      await existing.handleRequest(request, response);
      return;
    }
    if (typeof sessionId === 'string') {
      response
        .writeHead(404, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }),
        );
      return;
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        streamable.set(id, transport);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) streamable.delete(transport.sessionId);
    };
    await newSession().connect(transport);
    await transport.handleRequest(request, response);
  };

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;

  return {
    name: options.name,
    port,
    streamableUrl: `http://127.0.0.1:${port}/mcp`,
    sseUrl: `http://127.0.0.1:${port}/sse`,
    observations,
    activeSubscriptions: () => activeSubscriptions(catalogue),
    close: () => closeDemoConnector(httpServer, sessions),
  };
}

async function closeDemoConnector(httpServer: Server, sessions: Set<McpServer>): Promise<void> {
  await Promise.allSettled([...sessions].map((session) => session.close()));
  httpServer.closeAllConnections();
  await new Promise<void>((resolve) => httpServer.close(() => resolve()));
}

function createDemoMcpServer(
  options: DemoConnectorOptions,
  observations: DemoConnectorObservations,
  catalogue: DemoCatalogueState,
): McpServer {
  const server = new McpServer(
    { name: options.name, version: '1.0.0' },
    {
      capabilities: { tools: { listChanged: true }, logging: {} },
      ...(options.instructions === undefined ? {} : { instructions: options.instructions }),
    },
  );
  registerDemoCatalogue(server, options.name, catalogue, options.catalogueTools ?? false);
  const callDelay = () => delay(options.callDelayMs ?? 0);
  const record = (tool: string, args: unknown) => observations.calls.push({ tool, args });

  server.server.oninitialized = () => {
    observations.initializations += 1;
  };
  if (options.initializeDelayMs) {
    const initialize = server.server.connect.bind(server.server);
    server.server.connect = async (transport) => {
      await delay(options.initializeDelayMs ?? 0);
      return initialize(transport);
    };
  }

  server.registerTool(
    'echo',
    { description: `Echoes the text back (${options.name}).`, inputSchema: { text: z.string() } },
    async ({ text }) => {
      record('echo', { text });
      await callDelay();
      return { content: [{ type: 'text', text: `${options.name}: ${text}` }] };
    },
  );
  server.registerTool(
    'add',
    {
      description: 'Adds two numbers; also returns structured content.',
      inputSchema: { a: z.number(), b: z.number() },
      outputSchema: { sum: z.number() },
    },
    async ({ a, b }) => {
      record('add', { a, b });
      await callDelay();
      return { content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } };
    },
  );
  server.registerTool(
    'count',
    {
      description: 'Counts to `to`, sending one progress notification per step.',
      inputSchema: { to: z.number() },
    },
    async ({ to }, extra) => {
      record('count', { to });
      const progressToken = extra._meta?.progressToken;
      for (let step = 1; step <= to; step += 1) {
        if (progressToken !== undefined) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken, progress: step, total: to, message: `step ${step} of ${to}` },
          });
        }
      }
      return { content: [{ type: 'text', text: `counted to ${to}` }] };
    },
  );
  server.registerTool(
    'wait',
    {
      description: 'Waits `ms` milliseconds, or until the call is cancelled.',
      inputSchema: { ms: z.number() },
    },
    async ({ ms }, extra) => {
      record('wait', { ms });
      const cancelled = await delay(ms, extra.signal);
      if (cancelled) observations.cancelled.push(String(extra.requestId));
      return { content: [{ type: 'text', text: cancelled ? 'cancelled' : `waited ${ms} ms` }] };
    },
  );
  server.registerTool(
    'log',
    {
      description: 'Sends a log message about this call to its client, then answers.',
      inputSchema: { message: z.string() },
    },
    async ({ message }, extra) => {
      record('log', { message });
      // Sent as part of the call (on its response stream), so a gateway can tell which client it belongs to.
      await extra.sendNotification({
        method: 'notifications/message',
        params: { level: 'info', logger: options.name, data: message },
      });
      return { content: [{ type: 'text', text: 'logged' }] };
    },
  );
  return server;
}

/** Resolves after `ms` (false), or as soon as `signal` aborts (true). */
function delay(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (ms <= 0 && !signal) return Promise.resolve(false);
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(true);
      return;
    }
    const timer = setTimeout(() => resolve(false), ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      { once: true },
    );
  });
}
