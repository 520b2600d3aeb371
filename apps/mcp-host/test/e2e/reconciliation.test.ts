// Acceptance point 3: the host follows the service map. A map that adds a connector makes its tools appear with
// notifications/tools/list_changed; one that removes a connector removes them; an unchanged map on refresh
// reconnects nothing and notifies nobody.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { MapPublisher } from '../../src/demo/map-publisher.js';
import { connectHttp, type E2eClient } from './helpers/clients.js';
import { tempCortexHome } from './helpers/host-observation.js';
import { type HostProcess, startHostProcess } from './helpers/host-process.js';
import { entry, mapOf } from './helpers/maps.js';
import { waitFor } from './helpers/wait.js';

const publisher = new MapPublisher();
let alpha: DemoConnector;
let beta: DemoConnector;
let home: { dir: string; remove: () => Promise<void> };
let host: HostProcess;
let client: E2eClient;

async function toolNames(): Promise<string[]> {
  const { tools } = await client.client.listTools();
  return tools.map((tool) => tool.name).sort();
}

const DEMO_TOOLS = ['add', 'count', 'echo', 'log', 'wait'];
const toolsOf = (...ids: string[]) => ids.flatMap((id) => DEMO_TOOLS.map((tool) => `${id}.${tool}`)).sort();

beforeAll(async () => {
  let mapUrl: string;
  [alpha, beta, mapUrl, home] = await Promise.all([
    startDemoConnector({ name: 'alpha' }),
    startDemoConnector({ name: 'beta' }),
    publisher.listen(),
    tempCortexHome(),
  ]);
  // ttlSeconds 1: the map is stale before each timer run, so every refresh asks the map server.
  publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)], 1));
  host = await startHostProcess({
    CORTEX_HOME: home.dir,
    CONNECTORS_SERVICE_MAP_URL: mapUrl,
    CONNECTORS_SIGNATURE_KEY: publisher.signatureKey,
    MCP_CONNECTOR_REFRESH_INTERVAL_MS: '1000',
  });
  client = await connectHttp(`${host.baseUrl}/mcp`);
  await waitFor('the first sync', async () => (await toolNames()).length === DEMO_TOOLS.length);
});

afterAll(async () => {
  await client?.close();
  await host?.stop();
  await Promise.allSettled([alpha?.close(), beta?.close(), publisher.close()]);
  await home?.remove();
});

describe('3. reconciliation against the published map', () => {
  it('adds the tools of a connector the map adds and notifies tools/list_changed', async () => {
    expect(await toolNames()).toEqual(toolsOf('alpha'));
    const notified = client.listChanged();
    publisher.publish(mapOf([entry('alpha', alpha.streamableUrl), entry('beta', beta.sseUrl)], 1));
    await waitFor('tools/list_changed after the map added beta', () => client.listChanged() > notified);
    const names = await waitFor('beta tools', async () => {
      const listed = await toolNames();
      return listed.length === 2 * DEMO_TOOLS.length ? listed : undefined;
    });
    expect(names).toEqual(toolsOf('alpha', 'beta'));
    expect(await client.client.callTool({ name: 'beta.echo', arguments: { text: 'added' } })).toEqual({
      content: [{ type: 'text', text: 'beta: added' }],
    });
    // Adding beta left alpha's connection alone.
    expect(alpha.observations.initializations).toBe(1);
  });

  it('removes the tools of a connector the map removes and notifies tools/list_changed', async () => {
    const notified = client.listChanged();
    publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)], 1));
    await waitFor('tools/list_changed after the map removed beta', () => client.listChanged() > notified);
    const names = await waitFor('beta tools to go', async () => {
      const listed = await toolNames();
      return listed.length === DEMO_TOOLS.length ? listed : undefined;
    });
    expect(names).toEqual(toolsOf('alpha'));
    await expect(
      client.client.callTool({ name: 'beta.echo', arguments: { text: 'removed' } }),
    ).rejects.toThrow(/Unknown tool "beta\.echo"/);
  });

  it('neither reconnects nor notifies when a refresh brings an unchanged map', async () => {
    // The same connectors under a new map id: the map itself is new, what it asks for is not.
    publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)], 1));
    const initializations = {
      alpha: alpha.observations.initializations,
      beta: beta.observations.initializations,
    };
    const notified = client.listChanged();
    const requests = publisher.stats.requests;
    // Syncs never overlap: once a third request arrives, the syncs of the first two have finished.
    await waitFor(
      'two more map refreshes, and the syncs they fed',
      () => publisher.stats.requests >= requests + 3,
      {
        timeoutMs: 10_000,
      },
    );
    expect(publisher.stats.notModified).toBeGreaterThan(0);
    expect({
      alpha: alpha.observations.initializations,
      beta: beta.observations.initializations,
    }).toEqual(initializations);
    expect(client.listChanged()).toBe(notified);
    expect(await toolNames()).toEqual(toolsOf('alpha'));
  });
});
