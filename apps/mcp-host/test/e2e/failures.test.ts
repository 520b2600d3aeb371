// Acceptance point 4: the seed's failure table, one test per row, against real host processes.
//
// One host serves the map rows and the shutdown row: its map endpoint can hang and can serve a map signed with a
// foreign key, and one of its two connectors was closed before it started. A second host, started alongside, owns
// a registry file it has to rewrite (it salvaged the valid entry of a damaged file), so that write can be made to
// fail by making the registry directory immutable (`chattr +i`: the tests run as root, which ignores mode bits).
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { connectHttp, type E2eClient } from './helpers/clients.js';
import {
  fetchStatus,
  LEVEL,
  type LogLine,
  logLines,
  metricSample,
  tempCortexHome,
} from './helpers/host-observation.js';
import { type HostProcess, startHostProcess } from './helpers/host-process.js';
import { MapEndpoint } from './helpers/map-endpoint.js';
import { entry, mapOf } from './helpers/maps.js';
import { waitFor } from './helpers/wait.js';

const SIGNATURE_KEY = 'e2e-failure-table-key';
const FOREIGN_KEY = 'a-key-this-host-does-not-trust';
const DEMO_TOOLS = ['add', 'count', 'echo', 'log', 'wait'];

const mapEndpoint = new MapEndpoint();
let alpha: DemoConnector;
let gamma: DemoConnector;
let firstMapId: string;
const homes: Array<{ dir: string; remove: () => Promise<void> }> = [];
let host: HostProcess;
let client: E2eClient;
let registryHost: HostProcess;
let registryDir: string;
let registryDirImmutable = false;

function setImmutable(immutable: boolean): void {
  execFileSync('chattr', [immutable ? '+i' : '-i', registryDir]);
  registryDirImmutable = immutable;
}

async function toolNames(): Promise<string[]> {
  const { tools } = await client.client.listTools();
  return tools.map((tool) => tool.name).sort();
}

/** The host's warning about a failed map refresh with this error code, once it is in the log. */
/** The latest refresh-failure warning with this code (a slow start may have logged an earlier one, before any map). */
function mapRefreshWarning(code: string): LogLine | undefined {
  return logLines(host.stderr()).findLast(
    (line) => line.level === LEVEL.warn && line.code === code && /service map refresh failed/.test(line.msg),
  );
}

async function alphaEchoes(text: string): Promise<void> {
  expect(await client.client.callTool({ name: 'alpha.echo', arguments: { text } })).toEqual({
    content: [{ type: 'text', text: `alpha: ${text}` }],
  });
}

async function startMapHost(): Promise<void> {
  const [mapUrl, home, down] = await Promise.all([
    mapEndpoint.listen(),
    tempCortexHome(),
    startDemoConnector({ name: 'beta' }),
  ]);
  homes.push(home);
  // beta is closed before the host starts: its port refuses connections for the whole run.
  await down.close();
  const map = mapOf([entry('alpha', alpha.streamableUrl), entry('beta', down.streamableUrl)], 1);
  firstMapId = map.id;
  mapEndpoint.publish(map, SIGNATURE_KEY);
  host = await startHostProcess({
    CORTEX_HOME: home.dir,
    CONNECTORS_SERVICE_MAP_URL: mapUrl,
    CONNECTORS_SIGNATURE_KEY: SIGNATURE_KEY,
    MCP_CONNECTOR_REFRESH_INTERVAL_MS: '1000',
    MCP_SERVICE_MAP_TIMEOUT_MS: '500',
    MCP_CONNECTOR_CONNECT_TIMEOUT_MS: '1000',
    MCP_TOOL_CALL_TIMEOUT_MS: '1500',
  });
  client = await connectHttp(`${host.baseUrl}/mcp`);
  // Wait for a sync that used this map (a first load can time out at 500 ms on a loaded machine; the 1 s timer
  // retries): alpha up, beta known and down.
  await waitFor(
    'a sync with the first map',
    async () => {
      const status = await fetchStatus(host.baseUrl);
      const byId = new Map(status.connectors.map((connector) => [connector.id, connector]));
      if (status.map.id !== firstMapId || byId.get('alpha')?.available !== true || !byId.has('beta'))
        return false;
      // "available" flips before the tools are registered: wait for them as the client sees them.
      const { tools } = await client.client.listTools();
      return tools.length === DEMO_TOOLS.length;
    },
    { timeoutMs: 30_000 },
  );
}

async function startRegistryHost(): Promise<void> {
  const [home, stateHome] = await Promise.all([tempCortexHome(), tempCortexHome()]);
  homes.push(home, stateHome);
  registryDir = join(home.dir, 'mcp');
  await mkdir(registryDir, { recursive: true });
  // One valid server and one broken one: the host moves the file aside, keeps gamma, and must write it back.
  const damaged = {
    version: 1,
    servers: [
      { name: 'gamma', transport: 'streamable-http', url: gamma.streamableUrl },
      { name: 'broken', transport: 'stdio' },
    ],
  };
  await writeFile(join(registryDir, 'servers.json'), JSON.stringify(damaged));
  registryHost = await startHostProcess({
    CORTEX_HOME: home.dir,
    // The warm-start state lives elsewhere: only the registry file's directory is made read-only.
    MCP_HOST_STATE_DIR: join(stateHome.dir, 'host-state'),
  });
  // The write-back is due one flush interval (5 s) after start-up; from now on it cannot succeed.
  setImmutable(true);
}

beforeAll(async () => {
  [alpha, gamma] = await Promise.all([
    startDemoConnector({ name: 'alpha' }),
    startDemoConnector({ name: 'gamma' }),
  ]);
  await Promise.all([startMapHost(), startRegistryHost()]);
});

afterAll(async () => {
  if (registryDirImmutable) setImmutable(false);
  await client?.close().catch(() => undefined);
  await Promise.allSettled([host?.stop(), registryHost?.stop()]);
  await Promise.allSettled([alpha?.close(), gamma?.close(), mapEndpoint.close()]);
  await Promise.all(homes.map((home) => home.remove()));
});

describe('4. the failure table', () => {
  it('map timeout: serves the stale map, logs a warning and shows the error in /status', async () => {
    const before = await toolNames();
    expect(before).toEqual(DEMO_TOOLS.map((tool) => `alpha.${tool}`));
    mapEndpoint.setMode('hang');
    const status = await waitFor('a timed-out map refresh in /status', async () => {
      const current = await fetchStatus(host.baseUrl);
      return current.map.lastError?.code === 'timeout' ? current : undefined;
    });
    expect(mapEndpoint.stats.hung).toBeGreaterThan(0);
    expect(status.map).toMatchObject({ id: firstMapId, freshness: 'stale', source: 'network' });
    expect(status.map.lastError?.message).toMatch(/within timeoutMs \(500 ms\)/);
    const warning = await waitFor('the refresh warning', () => mapRefreshWarning('timeout'));
    expect(warning).toMatchObject({ heldMapId: firstMapId });
    expect(await toolNames()).toEqual(before);
    await alphaEchoes('still here');
  });

  it('one connector down: its tools are absent, the other connector serves', async () => {
    const status = await fetchStatus(host.baseUrl);
    const beta = status.connectors.find((connector) => connector.id === 'beta');
    // Every refresh retries it, so it may be caught in a (failing) connect attempt.
    expect(beta).toMatchObject({ available: false, toolCount: 0, catalogue: 'none' });
    expect(beta?.state).toMatch(/^(down|connecting)$/);
    expect(beta?.lastError?.message).toMatch(/ECONNREFUSED/);
    expect(status.connectors.find((connector) => connector.id === 'alpha')).toMatchObject({
      state: 'up',
      available: true,
    });
    expect((await toolNames()).filter((name) => name.startsWith('beta.'))).toEqual([]);
    await expect(
      client.client.callTool({ name: 'beta.echo', arguments: { text: 'anyone?' } }),
    ).rejects.toThrow(/Unknown tool "beta\.echo"/);
    await alphaEchoes('alpha serves');
    expect(await client.client.callTool({ name: 'alpha.add', arguments: { a: 1, b: 2 } })).toMatchObject({
      structuredContent: { sum: 3 },
    });
  });

  it('invalid signature: rejects the map, keeps serving the stale one and shows a signature error', async () => {
    const before = await toolNames();
    // Signed with a key the host does not hold, and it would add a connector if it were accepted.
    mapEndpoint.publish(
      mapOf([entry('alpha', alpha.streamableUrl), entry('intruder', alpha.streamableUrl)], 1),
      FOREIGN_KEY,
    );
    mapEndpoint.setMode('serve');
    const status = await waitFor('a signature error in /status', async () => {
      const current = await fetchStatus(host.baseUrl);
      return current.map.lastError?.code === 'signature' ? current : undefined;
    });
    expect(status.map).toMatchObject({ id: firstMapId, freshness: 'stale' });
    expect(status.connectors.map((connector) => connector.id).sort()).toEqual(['alpha', 'beta']);
    const warning = await waitFor('the refresh warning', () => mapRefreshWarning('signature'));
    expect(warning).toMatchObject({ heldMapId: firstMapId });
    expect(await toolNames()).toEqual(before);
    await alphaEchoes('old map, still served');
  });

  it('registry write error: warns, keeps serving, and retries the write until it succeeds', async () => {
    const registryClient = await connectHttp(`${registryHost.baseUrl}/mcp`);
    try {
      // The damaged file was moved aside at start-up; gamma, salvaged from it, is served from memory.
      expect((await readdir(registryDir)).some((name) => name.startsWith('servers.json.corrupt-'))).toBe(
        true,
      );
      await waitFor('gamma tools', async () => {
        const { tools } = await registryClient.client.listTools();
        return tools.some((tool) => tool.name === 'gamma.echo');
      });
      const warning = await waitFor(
        'the failed registry write',
        () =>
          logLines(registryHost.stderr()).find(
            (line) => line.level === LEVEL.warn && /Could not flush the MCP registry/.test(line.msg),
          ),
        { timeoutMs: 10_000 },
      );
      expect(warning).toMatchObject({ registryPath: join(registryDir, 'servers.json') });
      expect((await readdir(registryDir)).includes('servers.json')).toBe(false);
      expect(
        await registryClient.client.callTool({ name: 'gamma.echo', arguments: { text: 'read-only disk' } }),
      ).toEqual({ content: [{ type: 'text', text: 'gamma: read-only disk' }] });

      setImmutable(false);
      await waitFor(
        'the retried registry write',
        () =>
          logLines(registryHost.stderr()).some(
            (line) => line.level === LEVEL.info && /MCP registry flush recovered/.test(line.msg),
          ),
        { timeoutMs: 10_000 },
      );
      const written = JSON.parse(await readFile(join(registryDir, 'servers.json'), 'utf8')) as {
        servers: Array<{ name: string }>;
      };
      expect(written.servers.map((server) => server.name)).toEqual(['gamma']);
      const metrics = await (await fetch(`${registryHost.baseUrl}/metrics`)).text();
      expect(metricSample(metrics, 'mcp_registry_flush_duration_seconds_count', { store: 'servers' })).toBe(
        1,
      );
    } finally {
      await registryClient.close();
    }
    expect(await registryHost.stop('SIGTERM', 10_000)).toBe(0);
  });

  it('disconnect: SIGTERM stops the host, which exits with code 0 and leaves no open handles', async () => {
    // A client is still connected (with its GET stream open) and the map endpoint still answers: the host must
    // close all of it itself. Exiting at all proves nothing keeps its event loop alive.
    const code = await host.stop('SIGTERM', 10_000);
    expect(code).toBe(0);
    const lines = logLines(host.stderr());
    expect(lines.some((line) => line.msg === 'mcp-host stopped')).toBe(true);
    expect(lines.filter((line) => line.level >= LEVEL.error)).toEqual([]);
  });
});
