// Issue 16: a first list that is complete. A host with nothing persisted (a desktop client's first launch of
// `serve --stdio`, or HTTP) holds its first lists until every connector of the first sync has connected or failed,
// at most the connect timeout plus a margin, so a client that lists once sees what connected in time.
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { MapPublisher } from '../../src/demo/map-publisher.js';
import { FIRST_LIST_MARGIN_MS } from '../../src/resolved-settings.js';
import { within } from '../manager/fixtures.js';
import { connectHttp, connectStdio, type E2eClient, type E2eStdioClient } from './helpers/clients.js';
import { tempCortexHome } from './helpers/host-observation.js';
import { type HostProcess, startHostProcess } from './helpers/host-process.js';
import { entry, mapOf } from './helpers/maps.js';
import { waitFor } from './helpers/wait.js';

let alpha: DemoConnector;
let beta: DemoConnector;
/** Accepts connections and never answers: a connector that hangs in its handshake. */
let silent: { server: Server; url: string; sockets: Set<Socket> };
let expected: { alpha: string[]; beta: string[] };
const homes: Array<{ remove: () => Promise<void> }> = [];
const clients: E2eClient[] = [];
const hosts: HostProcess[] = [];

/** A map publisher serving `connectors`, closed after each test. */
const publishers: MapPublisher[] = [];

/** Everything a cold host needs: an empty CORTEX_HOME and a signed map of `connectors`. No refresh-sync. */
async function coldEnv(connectors: ReturnType<typeof entry>[], connectTimeoutMs: number) {
  const publisher = new MapPublisher();
  publishers.push(publisher);
  const [mapUrl, home] = await Promise.all([publisher.listen(), tempCortexHome()]);
  homes.push(home);
  publisher.publish(mapOf(connectors, 300));
  return {
    CORTEX_HOME: home.dir,
    CONNECTORS_SERVICE_MAP_URL: mapUrl,
    CONNECTORS_SIGNATURE_KEY: publisher.signatureKey,
    MCP_CONNECTOR_CONNECT_TIMEOUT_MS: String(connectTimeoutMs),
  };
}

async function stdioHost(env: Record<string, string>): Promise<E2eStdioClient> {
  const client = await connectStdio(env);
  clients.push(client);
  return client;
}

const toolNames = async (client: E2eClient) =>
  (await client.client.listTools()).tools.map((tool) => tool.name).sort();

const names = (items: readonly { name: string }[]) => items.map((item) => item.name).sort();

/** A TCP server on `port` (0: any) that accepts connections and never answers. */
async function hangingServer(port = 0): Promise<typeof silent> {
  const server = createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}/mcp`, sockets };
}

async function closeHanging(hanging: typeof silent | undefined): Promise<void> {
  for (const socket of hanging?.sockets ?? []) socket.destroy();
  await new Promise((resolve) => (hanging ? hanging.server.close(resolve) : resolve(undefined)));
}

beforeAll(async () => {
  silent = await hangingServer();
  [alpha, beta] = await Promise.all([
    startDemoConnector({ name: 'alpha' }),
    startDemoConnector({ name: 'beta', initializeDelayMs: 500 }),
  ]);
  const direct = await Promise.all([connectHttp(alpha.streamableUrl), connectHttp(beta.streamableUrl)]);
  const [alphaTools, betaTools] = await Promise.all(direct.map((client) => client.client.listTools()));
  expected = {
    alpha: names(alphaTools?.tools ?? []).map((name) => `alpha.${name}`),
    beta: names(betaTools?.tools ?? []).map((name) => `beta.${name}`),
  };
  await Promise.all(direct.map((client) => client.close()));
});

afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((client) => client.close()));
  await Promise.allSettled(hosts.splice(0).map((host) => host.stop()));
  await Promise.allSettled(publishers.splice(0).map((publisher) => publisher.close()));
});

afterAll(async () => {
  await closeHanging(silent);
  await Promise.allSettled([alpha?.close(), beta?.close()]);
  await Promise.all(homes.map((home) => home.remove()));
});

describe('issue 16: the first list of a cold start is complete', () => {
  it('lists every tool, resource, template and prompt of two connectors (one slow) in the first lists over stdio', async () => {
    expect(expected.alpha.length).toBeGreaterThan(3);
    const env = await coldEnv(
      [entry('alpha', alpha.streamableUrl), entry('beta', beta.streamableUrl)],
      10_000,
    );
    const client = await stdioHost(env);
    // The first requests after initialize: nothing waited for a sync before them.
    const [tools, resources, templates, prompts] = await Promise.all([
      client.client.listTools(),
      client.client.listResources(),
      client.client.listResourceTemplates(),
      client.client.listPrompts(),
    ]);
    expect(names(tools.tools)).toEqual([...expected.alpha, ...expected.beta].sort());
    for (const connector of ['alpha', 'beta']) {
      expect(resources.resources.some((resource) => resource.uri.startsWith(`${connector}+`))).toBe(true);
      expect(
        templates.resourceTemplates.some((template) => template.uriTemplate.startsWith(`${connector}+`)),
      ).toBe(true);
      expect(prompts.prompts.some((prompt) => prompt.name.startsWith(`${connector}.`))).toBe(true);
    }
  });

  it('answers within the connect timeout bound with the other tools when one connector never answers', async () => {
    const connectTimeoutMs = 1_500;
    const env = await coldEnv(
      [entry('alpha', alpha.streamableUrl), entry('silent', silent.url)],
      connectTimeoutMs,
    );
    const client = await stdioHost(env);
    // The bound runs from the list; the slack covers a loaded machine, not the host's own timing.
    const listed = await within(
      toolNames(client),
      connectTimeoutMs + FIRST_LIST_MARGIN_MS + 5_000,
      'the first tools/list',
    );
    expect(listed).toEqual(expected.alpha);
    // Once the first sync is over (or the bound passed), lists answer at once.
    expect(await within(toolNames(client), 5_000, 'a later tools/list')).toEqual(expected.alpha);
  });

  it('lists every tool of both connectors in the first tools/list over Streamable HTTP', async () => {
    const env = await coldEnv(
      [entry('alpha', alpha.streamableUrl), entry('beta', beta.streamableUrl)],
      10_000,
    );
    const host = await startHostProcess(env);
    hosts.push(host);
    const client = await connectHttp(`${host.baseUrl}/mcp`);
    clients.push(client);
    expect(await toolNames(client)).toEqual([...expected.alpha, ...expected.beta].sort());
  });

  it('with MCP_FIRST_LIST_WAIT=false answers the first list at once, without waiting on a hung connector', async () => {
    const connectTimeoutMs = 60_000;
    const env = await coldEnv(
      [entry('alpha', alpha.streamableUrl), entry('silent', silent.url)],
      connectTimeoutMs,
    );
    const client = await stdioHost({ ...env, MCP_FIRST_LIST_WAIT: 'false' });
    // May be empty, or hold alpha's tools if alpha connected first; never silent's, and never after its timeout.
    const listed = await within(toolNames(client), 10_000, 'the first tools/list with the wait off');
    expect(listed.every((name) => name.startsWith('alpha.'))).toBe(true);
  });

  it('answers a list that waits when the host shuts down, instead of leaving it hanging', async () => {
    const env = await coldEnv([entry('silent', silent.url)], 60_000);
    const client = await stdioHost(env);
    const listing = client.client.listTools();
    // Requests are handled in order: once the ping is answered, the list is waiting (for a minute, unreleased).
    await client.client.ping();
    process.kill(client.pid as number, 'SIGTERM');
    const { tools } = await within(listing, 10_000, 'the waiting tools/list after SIGTERM');
    expect(tools).toEqual([]);
  });

  it('changes nothing with a persisted catalogue: the first list answers at once, its connector hung', async () => {
    const gamma = await startDemoConnector({ name: 'gamma' });
    const env = await coldEnv([entry('gamma', gamma.streamableUrl)], 60_000);
    const first = await stdioHost(env);
    const gammaTools = await toolNames(first);
    expect(gammaTools.length).toBeGreaterThan(3);
    const catalogueFile = join(env.CORTEX_HOME, 'mcp', 'host-state', 'catalogue.json');
    await waitFor('the persisted catalogue', async () =>
      (await readFile(catalogueFile, 'utf8')).includes('gamma'),
    );
    await first.close();
    await gamma.close();
    // The same address now accepts and never answers: a cold start would wait a minute for it.
    const hung = await hangingServer(gamma.port);
    try {
      const restarted = await stdioHost(env);
      expect(await within(toolNames(restarted), 10_000, 'the warm first tools/list')).toEqual(gammaTools);
    } finally {
      await Promise.allSettled(clients.splice(0).map((client) => client.close()));
      await closeHanging(hung);
    }
  });
});
