import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTaskServer } from '@cortex-mcp/test-servers';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/** An upstream whose tool runs as a task (MCP 2025-11-25, experimental), on 127.0.0.1. */
export interface TaskUpstream {
  /** Its Streamable HTTP endpoint. */
  readonly url: string;
  /** Completes every `slow-sum` task started so far. */
  finish(): void;
  close(): Promise<void>;
}

/**
 * Starts an upstream built on the SDK's own task machinery (`taskStore`, `registerToolTask`): `slow-sum` ({a, b})
 * answers at once with a `working` task that completes with the sum when the test calls `finish()`.
 */
export async function startTaskUpstream(): Promise<TaskUpstream> {
  const { create: newServer, control } = createTaskServer();
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer(async (request, response) => {
    const id = request.headers['mcp-session-id'];
    const existing = typeof id === 'string' ? sessions.get(id) : undefined;
    if (existing) return existing.handleRequest(request, response);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => {
        sessions.set(sessionId, transport);
      },
    });
    await newServer().connect(transport);
    await transport.handleRequest(request, response);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    finish: () => control.finish(),
    close: async () => {
      await Promise.allSettled([...sessions.values()].map((transport) => transport.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
