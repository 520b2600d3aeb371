import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/** What the fixture's tools observed, shared across sessions. */
export interface ToolObservations {
  /** Request ids whose handler saw its abort signal fire (the client sent notifications/cancelled). */
  aborted: string[];
  /** Resolves the next time a `wait-for-abort` call starts. */
  started: Array<() => void>;
}

/** An McpServer with the tools the proxy tests need. */
export function createFixtureMcpServer(observations: ToolObservations): McpServer {
  const server = new McpServer(
    { name: 'fixture', version: '1.0.0' },
    { capabilities: { logging: {}, tools: { listChanged: true } } },
  );
  server.registerTool(
    'echo',
    { description: 'Echoes text', inputSchema: { text: z.string() } },
    async ({ text }) => ({
      content: [{ type: 'text', text }],
      structuredContent: { echoed: text },
      _meta: { 'fixture/extra': 42 },
    }),
  );
  server.registerTool('fail', { description: 'Returns an error result' }, async () => ({
    content: [{ type: 'text', text: 'it broke' }],
    isError: true,
  }));
  server.registerTool(
    'count-with-progress',
    { description: 'Reports progress 1..steps', inputSchema: { steps: z.number() } },
    async ({ steps }, extra) => {
      const progressToken = extra._meta?.progressToken;
      for (let progress = 1; progress <= steps; progress++) {
        if (progressToken === undefined) break;
        await extra.sendNotification({
          method: 'notifications/progress',
          params: { progressToken, progress, total: steps, message: `step ${progress}` },
        });
      }
      return { content: [{ type: 'text', text: `counted to ${steps}` }] };
    },
  );
  server.registerTool('wait-for-abort', { description: 'Waits until cancelled' }, async (extra) => {
    for (const notify of observations.started.splice(0)) notify();
    await new Promise<void>((resolve) => {
      if (extra.signal.aborted) resolve();
      extra.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    observations.aborted.push(String(extra.requestId));
    return { content: [{ type: 'text', text: 'aborted' }] };
  });
  server.registerTool(
    'log',
    { description: 'Sends one log message', inputSchema: { message: z.string() } },
    async ({ message }, extra) => {
      await extra.sendNotification({
        method: 'notifications/message',
        params: { level: 'warning', logger: 'fixture', data: { message } },
      });
      return { content: [{ type: 'text', text: 'logged' }] };
    },
  );
  return server;
}

/** Fresh observations. */
export function newObservations(): ToolObservations {
  return { aborted: [], started: [] };
}
