import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';

/** A low-level SDK Server whose tools/list answers the given pages, chained by cursors "page-1", "page-2", .... */
export function createPagedServer(pages: Tool[][], options: { repeatCursor?: boolean } = {}): Server {
  const server = new Server({ name: 'paged', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async (request) => {
    const cursor = request.params?.cursor;
    const index = cursor === undefined ? 0 : Number(cursor.replace('page-', ''));
    const isLast = index >= pages.length - 1;
    const nextCursor = options.repeatCursor ? 'page-1' : `page-${index + 1}`;
    return { tools: pages[index] ?? [], ...(isLast && !options.repeatCursor ? {} : { nextCursor }) };
  });
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    throw new McpError(ErrorCode.InvalidParams, `refusing ${request.params.name}`);
  });
  return server;
}

/** A minimal tool definition named `name`. */
export function tool(name: string): Tool {
  return { name, inputSchema: { type: 'object' } };
}
