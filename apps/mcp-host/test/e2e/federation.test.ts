// Acceptance points 1 and 2: a real SDK client talks to the host (a child process) over Streamable HTTP and over
// stdio, sees the tools of three real upstreams — two demo connectors (one over SSE) and the published
// server-everything — and gets exactly the upstreams' results, progress included; a cancellation reaches the upstream.

import { type EverythingServer, startEverything } from '@cortex-mcp/test-servers';
import { CallToolResultSchema, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { MapPublisher } from '../../src/demo/map-publisher.js';
import {
  ALL_CLIENT_FEATURES,
  connectHttp,
  connectSse,
  connectStdio,
  type E2eClient,
} from './helpers/clients.js';
import { tempCortexHome } from './helpers/host-observation.js';
import { type HostProcess, startHostProcess } from './helpers/host-process.js';
import { entry, mapOf } from './helpers/maps.js';
import { waitFor } from './helpers/wait.js';

let alpha: DemoConnector;
let beta: DemoConnector;
let everything: EverythingServer;
const publisher = new MapPublisher();
const homes: Array<{ remove: () => Promise<void> }> = [];
let mapUrl = '';
let host: HostProcess;
let httpClient: E2eClient;
let stdioClient: E2eClient;
/** Direct SDK clients on each upstream, by connector id. */
const direct = new Map<string, E2eClient>();

async function hostEnv(): Promise<Record<string, string>> {
  const home = await tempCortexHome();
  homes.push(home);
  return {
    CORTEX_HOME: home.dir,
    CONNECTORS_SERVICE_MAP_URL: mapUrl,
    CONNECTORS_SIGNATURE_KEY: publisher.signatureKey,
    MCP_CONNECTOR_CONNECT_TIMEOUT_MS: '5000',
    MCP_TOOL_CALL_TIMEOUT_MS: '20000',
  };
}

/** One tool per upstream, called by its host name (`connector.tool`) and directly by its own name. */
const CALLS = [
  { connector: 'alpha', tool: 'add', arguments: { a: 2, b: 40 } },
  { connector: 'beta', tool: 'echo', arguments: { text: 'over SSE' } },
  { connector: 'everything', tool: 'get-sum', arguments: { a: 5, b: 7 } },
] as const;

async function upstreamToolNames(): Promise<string[]> {
  const names: string[] = [];
  for (const [id, client] of direct) {
    const { tools } = await client.client.listTools();
    names.push(...tools.map((tool) => `${id}.${tool.name}`));
  }
  return names.sort();
}

async function hostToolNames(client: E2eClient): Promise<string[]> {
  const { tools } = await client.client.listTools();
  return tools.map((tool) => tool.name).sort();
}

beforeAll(async () => {
  [alpha, beta, everything, mapUrl] = await Promise.all([
    startDemoConnector({ name: 'alpha' }),
    startDemoConnector({ name: 'beta' }),
    startEverything(),
    publisher.listen(),
  ]);
  publisher.publish(
    mapOf(
      [entry('alpha', alpha.streamableUrl), entry('beta', beta.sseUrl), entry('everything', everything.url)],
      300,
    ),
  );
  const [httpEnv, stdioEnv] = await Promise.all([hostEnv(), hostEnv()]);
  // The stdio host syncs before it answers `initialize` (rollback mode); the HTTP host syncs in the background.
  [host, stdioClient] = await Promise.all([
    startHostProcess(httpEnv),
    connectStdio({ ...stdioEnv, MCP_CONNECTOR_REFRESH_SYNC: 'true' }),
  ]);
  httpClient = await connectHttp(`${host.baseUrl}/mcp`);
  const [alphaDirect, betaDirect, everythingDirect] = await Promise.all([
    connectHttp(alpha.streamableUrl),
    connectSse(beta.sseUrl),
    // As capable as the host is towards its upstreams: server-everything offers its sampling, elicitation and
    // roots tools only to a client that declares those features.
    connectHttp(everything.url, { capabilities: ALL_CLIENT_FEATURES }),
  ]);
  direct.set('alpha', alphaDirect).set('beta', betaDirect).set('everything', everythingDirect);
});

afterAll(async () => {
  await Promise.allSettled([
    httpClient?.close(),
    stdioClient?.close(),
    ...[...direct.values()].map((c) => c.close()),
  ]);
  await host?.stop();
  await Promise.allSettled([alpha?.close(), beta?.close(), everything?.stop(), publisher.close()]);
  await Promise.all(homes.map((home) => home.remove()));
});

describe('1. one MCP endpoint federates three upstreams over Streamable HTTP and stdio', () => {
  for (const transport of ['Streamable HTTP', 'stdio'] as const) {
    const client = () => (transport === 'stdio' ? stdioClient : httpClient);

    it(`lists every tool of the three upstreams, namespaced by connector, over ${transport}`, async () => {
      const expected = await upstreamToolNames();
      expect(expected.filter((name) => name.startsWith('everything.')).length).toBeGreaterThan(5);
      const listed = await waitFor(`all upstream tools over ${transport}`, async () => {
        const names = await hostToolNames(client());
        return names.length === expected.length ? names : undefined;
      });
      expect(listed).toEqual(expected);

      const { tools } = await client().client.listTools();
      const hostSum = tools.find((tool) => tool.name === 'everything.get-sum');
      const { tools: upstreamTools } = await (direct.get('everything') as E2eClient).client.listTools();
      const upstreamSum = upstreamTools.find((tool) => tool.name === 'get-sum');
      expect(hostSum?.inputSchema).toEqual(upstreamSum?.inputSchema);
      expect(hostSum?.description).toBe(upstreamSum?.description);
    });

    it(`returns for one tool of each upstream exactly what the upstream returns, over ${transport}`, async () => {
      await waitFor(`the three upstreams over ${transport}`, async () => {
        const names = await hostToolNames(client());
        return CALLS.every(({ connector, tool }) => names.includes(`${connector}.${tool}`));
      });
      for (const call of CALLS) {
        const viaHost = await client().client.callTool({
          name: `${call.connector}.${call.tool}`,
          arguments: call.arguments,
        });
        const upstream = await (direct.get(call.connector) as E2eClient).client.callTool({
          name: call.tool,
          arguments: call.arguments,
        });
        expect(viaHost).toEqual(upstream);
        expect(viaHost.isError).not.toBe(true);
      }
    });
  }
});

describe('2. progress and cancellation pass through the host', () => {
  for (const transport of ['Streamable HTTP', 'stdio'] as const) {
    const client = () => (transport === 'stdio' ? stdioClient : httpClient);

    it(`forwards every progress notification of the upstream to the client, over ${transport}`, async () => {
      await waitFor('alpha.count', async () => (await hostToolNames(client())).includes('alpha.count'));
      const progress: Progress[] = [];
      const result = await client().client.callTool(
        { name: 'alpha.count', arguments: { to: 3 } },
        CallToolResultSchema,
        { onprogress: (update) => progress.push(update) },
      );
      expect(result).toEqual({ content: [{ type: 'text', text: 'counted to 3' }] });
      expect(progress.map(({ progress: step, total, message }) => ({ step, total, message }))).toEqual([
        { step: 1, total: 3, message: 'step 1 of 3' },
        { step: 2, total: 3, message: 'step 2 of 3' },
        { step: 3, total: 3, message: 'step 3 of 3' },
      ]);
    });

    it(`cancels the upstream call when the client aborts, over ${transport}`, async () => {
      await waitFor('alpha.wait', async () => (await hostToolNames(client())).includes('alpha.wait'));
      const waitsBefore = alpha.observations.calls.filter((call) => call.tool === 'wait').length;
      const cancelledBefore = alpha.observations.cancelled.length;
      const controller = new AbortController();
      const call = client().client.callTool(
        { name: 'alpha.wait', arguments: { ms: 60_000 } },
        CallToolResultSchema,
        { signal: controller.signal, timeout: 60_000 },
      );
      call.catch(() => undefined);
      await waitFor(
        'the upstream to record the wait call',
        () => alpha.observations.calls.filter((recorded) => recorded.tool === 'wait').length > waitsBefore,
      );
      controller.abort(new Error('the user pressed stop'));
      await expect(call).rejects.toThrow();
      await waitFor(
        'the upstream to see the cancellation',
        () => alpha.observations.cancelled.length > cancelledBefore,
        { timeoutMs: 5_000 },
      );
      expect(alpha.observations.cancelled).toHaveLength(cancelledBefore + 1);
    });
  }
});
