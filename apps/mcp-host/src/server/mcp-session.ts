import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { routeToolCall, type ToolCallRouting } from './tool-call.js';
import { listedTools } from './tool-listing.js';
import type { HostServerInfo } from './types.js';

/** What the server advertises: tools that may change (`listChanged`), and forwarded log messages. */
export const HOST_SERVER_CAPABILITIES = { tools: { listChanged: true }, logging: {} } as const;

/**
 * One SDK `Server` for one client session, wired to the registry: `tools/list` answers with the current
 * snapshot, `tools/call` routes to the tool's handler. The low-level `Server` is used on purpose: tool JSON
 * schemas pass through as the upstream wrote them, with no zod round trip.
 *
 * `notifications/tools/list_changed` is debounced per session, so a sync that swaps several connectors in one
 * tick sends one notification, not one per connector.
 */
export function createMcpSession(serverInfo: HostServerInfo, routing: ToolCallRouting): Server {
  const server = new Server(
    { name: serverInfo.name, version: serverInfo.version },
    {
      capabilities: HOST_SERVER_CAPABILITIES,
      debouncedNotificationMethods: ['notifications/tools/list_changed'],
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listedTools(routing.tools.listTools()) }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => routeToolCall(routing, request, extra));
  return server;
}
