// Acceptance point 5: warm start. A host that synced once and was killed (SIGKILL: no graceful save) serves the
// persisted catalogue at once after a restart, with every upstream and the map endpoint gone.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type EverythingServer, startEverything } from '@cortex-mcp/test-servers';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { MapPublisher } from '../../src/demo/map-publisher.js';
import { connectHttp, type E2eClient } from './helpers/clients.js';
import { fetchStatus, tempCortexHome } from './helpers/host-observation.js';
import { type HostProcess, startHostProcess } from './helpers/host-process.js';
import { entry, mapOf } from './helpers/maps.js';
import { waitFor } from './helpers/wait.js';

const publisher = new MapPublisher();
let alpha: DemoConnector;
let everything: EverythingServer;
let home: { dir: string; remove: () => Promise<void> };
let env: Record<string, string>;
const hosts: HostProcess[] = [];
const clients: E2eClient[] = [];
let toolsBeforeKill: Tool[];
let catalogueBeforeKill: { resources: string[]; templates: string[]; prompts: string[] };

async function catalogueOf(client: E2eClient): Promise<typeof catalogueBeforeKill> {
  const [{ resources }, { resourceTemplates }, { prompts }] = await Promise.all([
    client.client.listResources(),
    client.client.listResourceTemplates(),
    client.client.listPrompts(),
  ]);
  return {
    resources: resources.map((resource) => resource.uri).sort(),
    templates: resourceTemplates.map((template) => template.uriTemplate).sort(),
    prompts: prompts.map((prompt) => prompt.name).sort(),
  };
}

function byName(tools: readonly Tool[]): Tool[] {
  return [...tools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function persistedConnectorIds(): Promise<string[]> {
  const text = await readFile(join(home.dir, 'mcp', 'host-state', 'catalogue.json'), 'utf8');
  return Object.keys((JSON.parse(text) as { connectors: Record<string, unknown> }).connectors).sort();
}

beforeAll(async () => {
  let mapUrl: string;
  [alpha, everything, mapUrl, home] = await Promise.all([
    startDemoConnector({ name: 'alpha' }),
    startEverything(),
    publisher.listen(),
    tempCortexHome(),
  ]);
  publisher.publish(mapOf([entry('alpha', alpha.streamableUrl), entry('everything', everything.url)], 300));
  env = {
    CORTEX_HOME: home.dir,
    CONNECTORS_SERVICE_MAP_URL: mapUrl,
    CONNECTORS_SIGNATURE_KEY: publisher.signatureKey,
    MCP_CONNECTOR_CONNECT_TIMEOUT_MS: '1000',
    MCP_TOOL_CALL_TIMEOUT_MS: '1000',
  };
  const first = await startHostProcess(env);
  hosts.push(first);
  await waitFor('a sync with both connectors up', async () => {
    const status = await fetchStatus(first.baseUrl);
    return status.lastSync !== null && status.connectors.every((connector) => connector.available);
  });
  await waitFor('the persisted catalogue', async () => {
    const ids = await persistedConnectorIds();
    return ids.length === 2 && ids[0] === 'alpha' && ids[1] === 'everything';
  });
  const client = await connectHttp(`${first.baseUrl}/mcp`);
  toolsBeforeKill = (await client.client.listTools()).tools;
  catalogueBeforeKill = await catalogueOf(client);
  await client.close();
  expect(await first.stop('SIGKILL')).toBe('SIGKILL');
  await Promise.all([alpha.close(), everything.stop(), publisher.close()]);
});

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()));
  await Promise.allSettled(hosts.map((host) => host.stop()));
  await Promise.allSettled([alpha?.close(), everything?.stop(), publisher.close()]);
  await home?.remove();
});

describe('5. warm start from the persisted catalogue', () => {
  it('answers the first tools/list after a SIGKILL restart with the persisted tools, every upstream gone', async () => {
    const restarted = await startHostProcess(env);
    hosts.push(restarted);
    const client = await connectHttp(`${restarted.baseUrl}/mcp`);
    clients.push(client);
    const { tools } = await client.client.listTools();
    expect(tools.length).toBeGreaterThan(10);
    // Order follows registration (which upstream answered first), so compare by name.
    expect(byName(tools)).toEqual(byName(toolsBeforeKill));

    const ready = await fetch(`${restarted.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    const status = await fetchStatus(restarted.baseUrl);
    expect(status.map).toMatchObject({ source: 'persisted' });
    expect(status.connectors.map(({ id, catalogue }) => ({ id, catalogue }))).toEqual([
      { id: 'alpha', catalogue: 'persisted' },
      { id: 'everything', catalogue: 'persisted' },
    ]);
  });

  it('lists the persisted resources, templates and prompts too, before any connector reconnects', async () => {
    const client = clients[0] as E2eClient;
    const catalogue = await catalogueOf(client);
    expect(catalogue.resources).toContain('alpha+note:///readme');
    expect(catalogue.prompts).toContain('alpha.summarize');
    expect(catalogue.prompts.some((name) => name.startsWith('everything.'))).toBe(true);
    expect(catalogue).toEqual(catalogueBeforeKill);
  });

  it('answers a read of a persisted resource of a connector that is gone with an error naming it', async () => {
    const client = clients[0] as E2eClient;
    await expect(client.client.readResource({ uri: 'alpha+note:///readme' })).rejects.toThrow(/alpha/);
  });

  it('answers a call to a persisted tool of a connector that is gone with an isError result naming it', async () => {
    const client = clients[0] as E2eClient;
    const result = await client.client.callTool({ name: 'alpha.echo', arguments: { text: 'hello?' } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/alpha/);
  });
});
