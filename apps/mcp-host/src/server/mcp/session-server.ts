import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { type CallToolRequest, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { HostServerInfo } from '../types.js';
import { routeToolCall, type ToolCallRouting } from './tool-call.js';
import { listedTools } from './tool-listing.js';

/** What the server advertises: tools that may change (`listChanged`), and forwarded log messages. */
export const HOST_SERVER_CAPABILITIES = { tools: { listChanged: true }, logging: {} } as const;

/**
 * `tools/call` as the low-level protocol layer sees it: the method, nothing more. With the full schema there, the SDK
 * parses the request before any handler runs and answers malformed params with InternalError (-32603), as if the
 * host had failed. With this one, the SDK `Server`'s own `tools/call` check runs instead and answers them with
 * InvalidParams (-32602), the error JSON-RPC names for it; the handler only ever sees requests that passed it.
 */
const TOOLS_CALL_METHOD = z.looseObject({ method: z.literal('tools/call'), params: z.unknown().optional() });

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
  server.setRequestHandler(TOOLS_CALL_METHOD, (request, extra) =>
    routeToolCall(routing, request as CallToolRequest, extra),
  );
  return server;
}
