import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

/** One HTTP request the upstream received, as it arrived. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A real SDK MCP server on 127.0.0.1 that keeps every request it receives. */
export interface HeaderRecordingUpstream {
  /** The Streamable HTTP endpoint under `prefix`: `http://127.0.0.1:PORT/<prefix>/mcp`. */
  urlFor(prefix: string): string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Starts the upstream. Any path ending in `/mcp` is an MCP endpoint (so several connectors can point at one server
 * and still be told apart by path); its one tool, `echo`, answers with its `text` argument.
 */
export async function startHeaderRecordingUpstream(): Promise<HeaderRecordingUpstream> {
  const requests: RecordedRequest[] = [];
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const servers = new Set<McpServer>();

  const route = async (request: IncomingMessage, response: ServerResponse, body: string) => {
    if (!request.url?.split('?')[0]?.endsWith('/mcp')) {
      response.writeHead(404).end();
      return;
    }
    const parsed = body === '' ? undefined : (JSON.parse(body) as unknown);
    const sessionId = request.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (existing) return existing.handleRequest(request, response, parsed);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        transports.set(id, transport);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) transports.delete(transport.sessionId);
    };
    const server = new McpServer({ name: 'header-recorder', version: '1.0.0' });
    server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({
      content: [{ type: 'text', text }],
    }));
    servers.add(server);
    await server.connect(transport);
    await transport.handleRequest(request, response, parsed);
  };

  const httpServer = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
      });
      route(request, response, body).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500).end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;

  return {
    urlFor: (prefix) => `http://127.0.0.1:${port}/${prefix}/mcp`,
    requests,
    close: async () => {
      await Promise.allSettled([...servers].map((server) => server.close()));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
