import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../src/demo/demo-connector.js';

let connector: DemoConnector;
beforeAll(async () => {
  connector = await startDemoConnector({ name: 'notes' });
});
afterAll(async () => {
  await connector.close();
});

// Progress is checked over Streamable HTTP only: the SDK's SSE client can run a result that arrives in the same
// chunk as its progress notifications before them (connector-proxy reorders them; a bare SDK client does not).
describe.each([
  ['Streamable HTTP', () => new StreamableHTTPClientTransport(new URL(connector.streamableUrl)), [1, 2, 3]],
  ['SSE', () => new SSEClientTransport(new URL(connector.sseUrl)), undefined],
])('the demo connector over %s', (_name, transport, expectedProgress) => {
  it('serves its tools, progress and results to a real SDK client', async () => {
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(transport());
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(['echo', 'add', 'count', 'wait', 'log']);
      const echoed = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
      expect(echoed.content).toEqual([{ type: 'text', text: 'notes: hi' }]);
      const progress: number[] = [];
      await client.callTool({ name: 'count', arguments: { to: 3 } }, CallToolResultSchema, {
        onprogress: (update) => progress.push(update.progress),
      });
      if (expectedProgress) expect(progress).toEqual(expectedProgress);
    } finally {
      await client.close();
    }
  });
});
