// A small MCP server over stdio for the proxy tests. Usage: node stdio-server.mjs [label]
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const label = process.argv[2] ?? 'no-label';
const server = new McpServer({ name: 'stdio-fixture', version: '1.0.0' }, { capabilities: { logging: {} } });

server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({
  content: [{ type: 'text', text }],
}));
server.registerTool('whoami', {}, async () => ({
  content: [
    { type: 'text', text: JSON.stringify({ label, pid: process.pid, env: process.env.FIXTURE_ENV ?? null }) },
  ],
}));
server.registerTool('crash', {}, async () => {
  setImmediate(() => process.exit(3));
  return { content: [{ type: 'text', text: 'crashing' }] };
});

process.stderr.write(`stdio fixture ${label} started\n`);
await server.connect(new StdioServerTransport());
