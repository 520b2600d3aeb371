import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { within } from './fixtures.js';

/** An upstream whose tool list can change while clients are connected. */
export interface ChangingServer {
  /** Streamable HTTP endpoint (`/mcp`). */
  readonly url: string;
  /**
   * Resolves once a session's standalone event stream (the GET that carries server-initiated notifications) is
   * open: a `list_changed` sent before that has nowhere to go.
   */
  notificationStreamOpen(timeoutMs?: number): Promise<void>;
  /**
   * Adds tool `name` (answering `text`) to every session and to sessions yet to come; each connected session then
   * sends `notifications/tools/list_changed` (`McpServer.registerTool` calls `sendToolListChanged()` when connected).
   */
  addTool(name: string, text: string): void;
  /** Sessions opened from now on describe `hello` with `description` (a changed definition). */
  describeHello(description: string): void;
  close(): Promise<void>;
}

/** Starts a Streamable HTTP MCP server on 127.0.0.1 with one tool, `hello`, that can gain tools at run time. */
export async function startChangingServer(): Promise<ChangingServer> {
  const added: Array<{ name: string; text: string }> = [];
  const sessions = new Map<string, { server: McpServer; transport: StreamableHTTPServerTransport }>();
  const streamListeners = new Set<() => void>();
  let streamsOpened = 0;
  let helloDescription: string | undefined;

  const register = (server: McpServer, name: string, text: string, description = `Answers "${text}".`) =>
    server.registerTool(name, { description, inputSchema: { note: z.string().optional() } }, async () => ({
      content: [{ type: 'text', text }],
    }));

  const newSession = (): { server: McpServer; transport: StreamableHTTPServerTransport } => {
    const server = new McpServer(
      { name: 'changing', version: '1.0.0' },
      { capabilities: { tools: { listChanged: true } } },
    );
    register(server, 'hello', 'hello from changing', helloDescription);
    for (const tool of added) register(server, tool.name, tool.text);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { server, transport });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    return { server, transport };
  };

  const route = async (request: IncomingMessage, response: ServerResponse) => {
    const sessionId = request.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (existing) {
      if (request.method === 'GET') announceStreamWhenHeadersGo(response);
      await existing.transport.handleRequest(request, response);
      return;
    }
    if (typeof sessionId === 'string') {
      response.writeHead(404).end();
      return;
    }
    const session = newSession();
    await session.server.connect(session.transport);
    await session.transport.handleRequest(request, response);
  };

  // The transport registers the standalone stream before it writes the response head, so the head going out
  // means a notification sent from now on reaches the client.
  const announceStreamWhenHeadersGo = (response: ServerResponse) => {
    const writeHead = response.writeHead.bind(response) as (...args: unknown[]) => ServerResponse;
    response.writeHead = ((...args: unknown[]) => {
      const result = writeHead(...args);
      if (response.statusCode === 200) {
        streamsOpened += 1;
        for (const listener of [...streamListeners]) listener();
      }
      return result;
    }) as ServerResponse['writeHead'];
  };

  const httpServer: Server = createServer((request, response) => {
    void route(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/mcp`,
    notificationStreamOpen: (timeoutMs = 5_000) => {
      let check: () => void = () => {};
      const open = new Promise<void>((resolve) => {
        check = () => {
          if (streamsOpened > 0) resolve();
        };
      });
      streamListeners.add(check);
      check();
      return within(open, timeoutMs, 'the notification stream').finally(() => streamListeners.delete(check));
    },
    describeHello: (description) => {
      helloDescription = description;
    },
    addTool: (name, text) => {
      added.push({ name, text });
      for (const { server } of sessions.values()) register(server, name, text);
    },
    close: async () => {
      await Promise.allSettled([...sessions.values()].map(({ server }) => server.close()));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
