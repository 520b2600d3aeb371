import { randomUUID } from 'node:crypto';
import {
  createServer,
  type Server as HttpServer,
  type IncomingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import {
  type EventStore,
  StreamableHTTPServerTransport,
} from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/** Anything with the SDK server's `connect`/`close` (McpServer or the low-level Server). */
export interface ConnectableServer {
  connect(transport: Transport): Promise<void>;
  close(): Promise<void>;
}

/** One HTTP request as the fixture saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** True once the exchange is over (answered, or its connection closed). */
  closed: boolean;
}

/** A real MCP server on 127.0.0.1: Streamable HTTP at /mcp and legacy SSE at /sse (+ POST /messages). */
export interface HttpFixtureServer {
  port: number;
  streamableUrl: string;
  sseUrl: string;
  /** Every request received, in order. */
  requests: SeenRequest[];
  /** One per session, in order of creation. */
  servers: ConnectableServer[];
  /** Abruptly destroys the sockets of every open Streamable HTTP GET stream (the server stays up). */
  destroyStreams(): void;
  close(): Promise<void>;
}

/** Options of {@link startHttpFixture}. */
export interface HttpFixtureOptions {
  /** Listen here (to come back on the same port after `close()`); default 0. */
  port?: number;
  /** Answer 401 to requests for which this returns false. */
  authorize?: (headers: IncomingHttpHeaders) => boolean;
  /** Makes each Streamable HTTP session resumable (priming events, `Last-Event-ID` replay) with a new store. */
  eventStore?: () => EventStore;
  /** The `retry` the Streamable HTTP server puts in its priming events, in ms. */
  retryIntervalMs?: number;
}

/**
 * Starts the fixture. `createMcpServer` runs once per MCP session (the SDK binds one server to one transport).
 */
export async function startHttpFixture(
  createMcpServer: () => ConnectableServer,
  { port = 0, authorize, eventStore, retryIntervalMs }: HttpFixtureOptions = {},
): Promise<HttpFixtureServer> {
  const requests: SeenRequest[] = [];
  const servers: ConnectableServer[] = [];
  const streamable = new Map<string, StreamableHTTPServerTransport>();
  const sse = new Map<string, SSEServerTransport>();
  const openStreams = new Set<ServerResponse>();

  const connectNew = async (transport: Transport) => {
    const server = createMcpServer();
    servers.push(server);
    await server.connect(transport);
  };

  const httpServer: HttpServer = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const seen: SeenRequest = {
      method: req.method ?? '',
      path: url.pathname,
      headers: req.headers,
      closed: false,
    };
    requests.push(seen);
    res.on('close', () => {
      seen.closed = true;
    });
    if (authorize && !authorize(req.headers)) {
      res.writeHead(401).end('unauthorized');
      return;
    }
    void (async () => {
      if (url.pathname === '/mcp') {
        const sessionId = req.headers['mcp-session-id'];
        const existing = typeof sessionId === 'string' ? streamable.get(sessionId) : undefined;
        if (existing && req.method === 'GET') {
          openStreams.add(res);
          res.on('close', () => openStreams.delete(res));
        }
        if (existing) return existing.handleRequest(req, res);
        if (req.method !== 'POST' || sessionId !== undefined) {
          res.writeHead(404).end('unknown session');
          return;
        }
        const transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: randomUUID,
          eventStore: eventStore?.(),
          retryInterval: retryIntervalMs,
          onsessioninitialized: (id) => {
            streamable.set(id, transport);
          },
        });
        await connectNew(transport);
        return transport.handleRequest(req, res);
      }
      if (url.pathname === '/sse' && req.method === 'GET') {
        const transport = new SSEServerTransport('/messages', res);
        sse.set(transport.sessionId, transport);
        res.on('close', () => sse.delete(transport.sessionId));
        return connectNew(transport);
      }
      if (url.pathname === '/messages' && req.method === 'POST') {
        const transport = sse.get(url.searchParams.get('sessionId') ?? '');
        if (transport) return transport.handlePostMessage(req, res);
        res.writeHead(404).end('unknown session');
        return;
      }
      res.writeHead(404).end('not found');
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (httpServer.address() as AddressInfo).port;
  return {
    port: actualPort,
    streamableUrl: `http://127.0.0.1:${actualPort}/mcp`,
    sseUrl: `http://127.0.0.1:${actualPort}/sse`,
    requests,
    servers,
    destroyStreams() {
      for (const res of openStreams) res.socket?.destroy();
    },
    async close() {
      await Promise.allSettled(servers.map((server) => server.close()));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
