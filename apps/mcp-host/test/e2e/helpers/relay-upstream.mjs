// An upstream MCP server whose `ask` tool, while serving the call, reaches back to the client that asked: it logs
// about the call, then sends sampling/createMessage, elicitation/create and roots/list in turn, all related to the
// call (`extra.sendNotification` / `extra.sendRequest`), and answers with JSON of what each request got back (its
// result, or `{ error, code }`). With `meet` and `together`, a call first waits until `together` calls with the same
// `meet` are running in this process (over any session or transport), so that they are in flight at once.
//
//   node relay-upstream.mjs --stdio   an MCP server on stdin/stdout
//   node relay-upstream.mjs           Streamable HTTP at /mcp and legacy SSE at /sse (+ POST /messages) on
//                                     127.0.0.1, an ephemeral port; prints { "streamableUrl", "sseUrl" } as one line
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CreateMessageResultSchema,
  ElicitResultSchema,
  ListRootsResultSchema,
  RootsListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

const asks = (tag) => [
  {
    request: {
      method: 'sampling/createMessage',
      params: {
        messages: [{ role: 'user', content: { type: 'text', text: `sample ${tag}` } }],
        maxTokens: 10,
      },
    },
    schema: CreateMessageResultSchema,
  },
  {
    request: {
      method: 'elicitation/create',
      params: {
        message: `elicit ${tag}`,
        requestedSchema: { type: 'object', properties: { answer: { type: 'string' } } },
      },
    },
    schema: ElicitResultSchema,
  },
  { request: { method: 'roots/list' }, schema: ListRootsResultSchema },
];

/** Calls waiting for their company, by `meet`. */
const meetings = new Map();
function gather(meet, together) {
  return new Promise((resolve) => {
    const waiting = [...(meetings.get(meet) ?? []), resolve];
    if (waiting.length < together) {
      meetings.set(meet, waiting);
      return;
    }
    meetings.delete(meet);
    for (const release of waiting) release();
  });
}

function createRelayServer() {
  const server = new McpServer(
    { name: 'relay-upstream', version: '1.0.0' },
    { capabilities: { logging: {} } },
  );
  // How many notifications/roots/list_changed this session got (one session = one host's connection).
  let rootsChanges = 0;
  server.server.setNotificationHandler(RootsListChangedNotificationSchema, () => {
    rootsChanges += 1;
  });
  server.registerTool('roots-changes', { description: 'Counts roots/list_changed.' }, async () => ({
    content: [{ type: 'text', text: String(rootsChanges) }],
  }));
  server.registerTool(
    'ask',
    {
      description: 'Logs, samples, elicits and lists roots while serving the call; answers with what it got.',
      inputSchema: { tag: z.string(), meet: z.string().optional(), together: z.number().int().optional() },
    },
    async ({ tag, meet, together }, extra) => {
      if (meet !== undefined) await gather(meet, together ?? 1);
      await extra.sendNotification({
        method: 'notifications/message',
        params: { level: 'info', logger: 'relay', data: `log ${tag}` },
      });
      const answers = [];
      for (const { request, schema } of asks(tag)) {
        try {
          answers.push(await extra.sendRequest(request, schema));
        } catch (error) {
          answers.push({ error: error.message, code: error.code });
        }
      }
      return { content: [{ type: 'text', text: JSON.stringify(answers) }] };
    },
  );
  return server;
}

if (process.argv.includes('--stdio')) {
  await createRelayServer().connect(new StdioServerTransport());
} else {
  const streamable = new Map();
  const sse = new Map();
  const http = createServer((request, response) => {
    route(request, response).catch((error) => {
      if (!response.headersSent) response.writeHead(500).end(String(error));
    });
  });
  const route = async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/mcp') {
      const sessionId = request.headers['mcp-session-id'];
      const existing = streamable.get(sessionId);
      if (existing) return existing.handleRequest(request, response);
      if (sessionId !== undefined) return void response.writeHead(404).end('unknown session');
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => streamable.set(id, transport),
      });
      transport.onclose = () => streamable.delete(transport.sessionId);
      await createRelayServer().connect(transport);
      return transport.handleRequest(request, response);
    }
    if (url.pathname === '/sse' && request.method === 'GET') {
      const transport = new SSEServerTransport('/messages', response);
      sse.set(transport.sessionId, transport);
      response.on('close', () => sse.delete(transport.sessionId));
      return createRelayServer().connect(transport);
    }
    const transport = url.pathname === '/messages' && sse.get(url.searchParams.get('sessionId'));
    if (transport) return transport.handlePostMessage(request, response);
    response.writeHead(404).end('not found');
  };
  http.listen(0, '127.0.0.1', () => {
    const base = `http://127.0.0.1:${http.address().port}`;
    process.stdout.write(`${JSON.stringify({ streamableUrl: `${base}/mcp`, sseUrl: `${base}/sse` })}\n`);
  });
}
