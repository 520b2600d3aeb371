import { LATEST_PROTOCOL_VERSION, type Progress, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorProxyError, RemoteToolProxy, type UpstreamLogEntry } from '../src/index.js';
import { createFixtureMcpServer, newObservations } from './helpers/fixture-tools.js';
import { type HttpFixtureServer, startHttpFixture } from './helpers/http-fixture-server.js';
import { waitUntil } from './helpers/wait.js';

const observations = newObservations();
let fixture: HttpFixtureServer;

beforeAll(async () => {
  fixture = await startHttpFixture(() => createFixtureMcpServer(observations));
});
afterAll(async () => {
  await fixture.close();
});

describe.each([
  ['streamable-http', () => fixture.streamableUrl],
  ['sse', () => fixture.sseUrl],
] as const)('over %s', (transport, url) => {
  let proxy: RemoteToolProxy;
  const logs: UpstreamLogEntry[] = [];
  const toolChanges: Tool[][] = [];

  beforeAll(async () => {
    proxy = new RemoteToolProxy({
      id: `fixture-${transport}`,
      transport,
      url: url(),
      onLog: (entry) => logs.push(entry),
      onToolsChanged: (tools) => toolChanges.push(tools),
    });
    await proxy.connect();
  });
  afterAll(async () => {
    await proxy.disconnect();
  });

  it('lists the upstream tools', async () => {
    const tools = await proxy.getTools();
    expect(tools.map((tool) => tool.name)).toEqual([
      'echo',
      'fail',
      'count-with-progress',
      'wait-for-abort',
      'log',
    ]);
    expect(proxy.activeTransport).toBe(transport);
  });

  it('knows the protocol version the upstream chose in the handshake', () => {
    expect(proxy.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
  });

  it('returns the upstream CallToolResult unchanged', async () => {
    const result = await proxy.callTool('echo', { text: 'hi' });
    expect(result).toEqual({
      content: [{ type: 'text', text: 'hi' }],
      structuredContent: { echoed: 'hi' },
      _meta: { 'fixture/extra': 42 },
    });
  });

  it('returns an isError result as a result, not a throw', async () => {
    const result = await proxy.callTool('fail');
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: 'it broke' }]);
  });

  it('delivers every progress notification of a call to onProgress', async () => {
    const progress: Progress[] = [];
    const result = await proxy.callTool(
      'count-with-progress',
      { steps: 3 },
      { onProgress: (p) => progress.push(p) },
    );
    expect(result.content).toEqual([{ type: 'text', text: 'counted to 3' }]);
    expect(progress.map((p) => [p.progress, p.total, p.message])).toEqual([
      [1, 3, 'step 1'],
      [2, 3, 'step 2'],
      [3, 3, 'step 3'],
    ]);
  });

  it('cancels the upstream call when the signal aborts', async () => {
    const started = new Promise<void>((resolve) => observations.started.push(resolve));
    const controller = new AbortController();
    const before = observations.aborted.length;
    const call = proxy.callTool('wait-for-abort', {}, { signal: controller.signal });
    await started;
    controller.abort();
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorProxyError);
    expect((error as ConnectorProxyError).code).toBe('aborted');
    await waitUntil(() => observations.aborted.length > before, 5_000, 'upstream abort');
  });

  it('fails a call that outlives timeoutMs with call_timeout', async () => {
    const started = new Promise<void>((resolve) => observations.started.push(resolve));
    const before = observations.aborted.length;
    const call = proxy.callTool('wait-for-abort', {}, { timeoutMs: 50 });
    const error = await call.catch((e: unknown) => e);
    await started;
    expect((error as ConnectorProxyError).code).toBe('call_timeout');
    // The SDK cancels a timed-out request upstream too.
    await waitUntil(() => observations.aborted.length > before, 5_000, 'upstream abort');
  });

  it('surfaces upstream log messages through onLog', async () => {
    await proxy.callTool('log', { message: `from ${transport}` });
    await waitUntil(() => logs.length > 0, 5_000, 'log entry');
    expect(logs[0]).toEqual({
      connectorId: `fixture-${transport}`,
      level: 'warning',
      logger: 'fixture',
      data: { message: `from ${transport}` },
      // Sent while serving the call, which gave no onLog of its own.
      related: true,
    });
  });

  it('re-lists the tools on list_changed and reports the new list', async () => {
    await proxy.getTools();
    const server = fixture.servers.at(-1) as ReturnType<typeof createFixtureMcpServer>;
    // Registering a tool on a connected McpServer sends notifications/tools/list_changed.
    server.registerTool(`added-${transport}`, { description: 'new' }, async () => ({ content: [] }));
    await waitUntil(() => toolChanges.length > 0, 5_000, 'onToolsChanged');
    expect(toolChanges[0]?.map((tool) => tool.name)).toContain(`added-${transport}`);
    expect(proxy.tools?.map((tool) => tool.name)).toContain(`added-${transport}`);
  });
});
