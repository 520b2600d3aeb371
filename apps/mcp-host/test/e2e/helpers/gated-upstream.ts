import { randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/** A tool call the upstream saw start, and how it ended. */
export interface UpstreamCall {
  readonly tool: 'gate' | 'hold';
  outcome: 'running' | 'finished' | 'cancelled';
}

/**
 * A real SDK MCP server on 127.0.0.1 whose calls a test ends: `gate` runs until `release()`, `hold` runs until it
 * is cancelled (its request signal aborts: `notifications/cancelled`, or its session closing).
 */
export interface GatedUpstream {
  /** `http://127.0.0.1:PORT/mcp` */
  readonly url: string;
  readonly calls: UpstreamCall[];
  /** Resolves once `count` calls of `tool` have started. */
  started(tool: UpstreamCall['tool'], count?: number): Promise<void>;
  /** Lets every `gate` call (running or future) finish. */
  release(): void;
  close(): Promise<void>;
}

/** Starts the upstream on an ephemeral loopback port. */
export async function startGatedUpstream(): Promise<GatedUpstream> {
  const calls: UpstreamCall[] = [];
  const events = new EventEmitter();
  let released = false;
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const servers = new Set<McpServer>();

  const record = (tool: UpstreamCall['tool']): UpstreamCall => {
    const call: UpstreamCall = { tool, outcome: 'running' };
    calls.push(call);
    events.emit('started');
    return call;
  };

  const newServer = () => {
    const server = new McpServer({ name: 'gated', version: '1.0.0' });
    server.registerTool('gate', { description: 'Runs until the test releases it.' }, async () => {
      const call = record('gate');
      if (!released) await once(events, 'release');
      call.outcome = 'finished';
      return { content: [{ type: 'text', text: 'released' }] };
    });
    server.registerTool('hold', { description: 'Runs until cancelled.' }, async (extra) => {
      const call = record('hold');
      if (!extra.signal.aborted) await once(extra.signal, 'abort');
      call.outcome = 'cancelled';
      return { content: [{ type: 'text', text: 'cancelled' }] };
    });
    servers.add(server);
    return server;
  };

  const route = async (request: IncomingMessage, response: ServerResponse) => {
    const sessionId = request.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (existing) return existing.handleRequest(request, response);
    if (typeof sessionId === 'string') {
      response.writeHead(404).end();
      return;
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        transports.set(id, transport);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) transports.delete(transport.sessionId);
    };
    await newServer().connect(transport);
    await transport.handleRequest(request, response);
  };

  const httpServer = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/mcp`,
    calls,
    started: async (tool, count = 1) => {
      while (calls.filter((call) => call.tool === tool).length < count) await once(events, 'started');
    },
    release: () => {
      released = true;
      events.emit('release');
    },
    close: async () => {
      released = true;
      events.emit('release');
      await Promise.allSettled([...servers].map((server) => server.close()));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
