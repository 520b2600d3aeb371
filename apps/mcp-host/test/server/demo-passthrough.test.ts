import { type ToolCallContext, VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema,
  type LoggingMessageNotification,
  LoggingMessageNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { HostMetrics } from '../../src/metrics.js';
import { createHostHttpServer, type HostHttpServer } from '../../src/server/index.js';
import { connectHttpClient, deferred, type TestClient } from './support.js';

// The shape the host composes: upstream tools (here the demo connector, through a real SDK client) registered
// with handlers that call upstream; an upstream log message goes to the caller through the call's `onLog` (one
// call at a time here, so the call in flight is the one it belongs to).
let demo: DemoConnector;
let upstream: Client;
let server: HostHttpServer;
let downstream: TestClient;
let callInFlight: ToolCallContext | undefined;

beforeAll(async () => {
  demo = await startDemoConnector({ name: 'notes' });
  upstream = new Client({ name: 'host-upstream', version: '1.0.0' });
  await upstream.connect(new StreamableHTTPClientTransport(new URL(demo.streamableUrl)));
  const registry = new VersionedToolRegistry({ logger: { warn: () => {} } });
  const { tools } = await upstream.listTools();
  registry.replaceConnectorTools(
    'notes',
    tools.map((tool) => ({
      ...tool,
      handler: async (args, context) => {
        callInFlight = context;
        try {
          return await upstream.callTool({ name: tool.name, arguments: args }, CallToolResultSchema, {
            ...(context.signal && { signal: context.signal }),
            ...(context.onProgress && { onprogress: context.onProgress }),
          });
        } finally {
          callInFlight = undefined;
        }
      },
    })),
  );
  server = await createHostHttpServer({
    registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    getStatus: () => ({}),
    isReady: () => true,
    serverInfo: { name: 'host', version: '1' },
  });
  upstream.setNotificationHandler(LoggingMessageNotificationSchema, ({ params }) =>
    callInFlight?.onLog?.(params),
  );
  downstream = await connectHttpClient(server.url);
});

afterAll(async () => {
  await downstream.close();
  await server.close();
  await upstream.close();
  await demo.close();
});

it('passes an upstream result with structured content through unchanged', async () => {
  const direct = await upstream.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
  await downstream.client.listTools();
  const viaHost = await downstream.client.callTool({ name: 'notes.add', arguments: { a: 2, b: 40 } });
  expect(viaHost).toEqual(direct);
  expect(viaHost.structuredContent).toEqual({ sum: 42 });
});

it('passes upstream progress through to the downstream client', async () => {
  const progress: unknown[] = [];
  await downstream.client.callTool({ name: 'notes.count', arguments: { to: 3 } }, CallToolResultSchema, {
    onprogress: (update) => progress.push(update),
  });
  expect(progress).toEqual(
    [1, 2, 3].map((step) => ({ progress: step, total: 3, message: `step ${step} of 3` })),
  );
});

it('forwards an upstream log message to the downstream client', async () => {
  const logged = deferred<LoggingMessageNotification['params']>();
  downstream.client.setNotificationHandler(LoggingMessageNotificationSchema, ({ params }) =>
    logged.resolve(params),
  );
  await downstream.streamOpen;
  await downstream.client.callTool({ name: 'notes.log', arguments: { message: 'hello from upstream' } });
  expect(await logged.promise).toEqual({ level: 'info', logger: 'notes/notes', data: 'hello from upstream' });
});
