// Issue 6, "Client side and shutdown": SIGTERM against real host processes (`node dist/cli.js serve`).
//
// - with calls in flight it drains up to the deadline, cancels the rest upstream, flushes and exits 0;
// - a second SIGTERM exits at once;
// - SIGTERM during a map refresh, or while a registry flush keeps failing, leaves no partial file and no hang.
//
// Each test starts its own host. The upstream is a real SDK server in this process whose calls the test ends
// (`gate` on release, `hold` only when cancelled), so nothing here waits for time to pass: the only clocks are
// the host's drain deadline and the bounds that turn a hang into a failure.
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, type E2eClient } from './helpers/clients.js';
import { type GatedUpstream, startGatedUpstream } from './helpers/gated-upstream.js';
import { LEVEL, logLines, tempCortexHome } from './helpers/host-observation.js';
import { type HostProcess, startHostProcess } from './helpers/host-process.js';
import { MapEndpoint } from './helpers/map-endpoint.js';
import { entry, mapOf } from './helpers/maps.js';
import { waitFor } from './helpers/wait.js';

const SIGNATURE_KEY = 'e2e-shutdown-key';
/** Bound on a host's exit after the signal that should end it: far below every drain deadline and map timeout. */
const EXIT_BOUND_MS = 10_000;

const mapEndpoint = new MapEndpoint();
let upstream: GatedUpstream;
let mapUrl: string;
const homes: Array<{ dir: string; remove: () => Promise<void> }> = [];
let host: HostProcess | undefined;
let client: E2eClient | undefined;
let immutableDir: string | undefined;

beforeAll(async () => {
  upstream = await startGatedUpstream();
  mapUrl = await mapEndpoint.listen();
});

afterEach(async () => {
  if (immutableDir) execFileSync('chattr', ['-i', immutableDir]);
  immutableDir = undefined;
  await client?.close().catch(() => undefined);
  client = undefined;
  await host?.stop('SIGKILL').catch(() => undefined);
  host = undefined;
  mapEndpoint.setMode('serve');
});

afterAll(async () => {
  await Promise.allSettled([upstream?.close(), mapEndpoint.close()]);
  await Promise.all(homes.map((home) => home.remove()));
});

/** A host on the map endpoint (connector `up` = the gated upstream), with its own CORTEX_HOME. */
async function startMapHost(env: Record<string, string>): Promise<{ home: string }> {
  const home = await tempCortexHome();
  homes.push(home);
  mapEndpoint.publish(mapOf([entry('up', upstream.url)], 1), SIGNATURE_KEY);
  mapEndpoint.setMode('serve');
  host = await startHostProcess({
    CORTEX_HOME: home.dir,
    CONNECTORS_SERVICE_MAP_URL: mapUrl,
    CONNECTORS_SIGNATURE_KEY: SIGNATURE_KEY,
    ...env,
  });
  client = await connectHttp(`${host.baseUrl}/mcp`);
  const connected = client;
  await waitFor(
    'the upstream tools',
    async () => (await connected.client.listTools()).tools.some((tool) => tool.name === 'up.hold'),
    { timeoutMs: 20_000 },
  );
  return { home: home.dir };
}

function logged(message: string): boolean {
  return logLines(host?.stderr() ?? '').some((line) => line.msg === message);
}

/** Every file under `dir`, relative paths. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((found) => found.isFile())
    .map((found) => join(found.parentPath, found.name).slice(dir.length + 1))
    .sort();
}

/** No temp or lock file is left, and every JSON file the host wrote parses whole. */
async function expectOnlyWholeFiles(dir: string): Promise<string[]> {
  const files = await filesUnder(dir);
  expect(files.filter((file) => /\.tmp-|\.lock$/.test(file))).toEqual([]);
  for (const file of files.filter((name) => name.endsWith('.json'))) {
    const text = await readFile(join(dir, file), 'utf8');
    expect(() => JSON.parse(text), file).not.toThrow();
  }
  return files;
}

describe('SIGTERM', () => {
  it('drains a call in flight until the deadline, cancels the rest upstream, flushes its state and exits 0', async () => {
    const { home } = await startMapHost({ MCP_HOST_SHUTDOWN_GRACE_MS: '5000' });
    const running = client as E2eClient;
    const gate = running.client.callTool({ name: 'up.gate', arguments: {} });
    const hold = running.client.callTool({ name: 'up.hold', arguments: {} }).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    await Promise.all([upstream.started('gate'), upstream.started('hold')]);
    const holdCall = upstream.calls.find((call) => call.tool === 'hold');

    const exit = (host as HostProcess).stop('SIGTERM', 30_000);
    await waitFor('the shutdown to begin', () => logged('shutting down'));
    // Released during the drain: this call finishes normally and its answer reaches the client.
    upstream.release();
    expect(await gate).toEqual({ content: [{ type: 'text', text: 'released' }] });

    expect(await exit).toBe(0);
    // The call that outlived the deadline was cancelled upstream, and its client got an answer rather than silence.
    expect(holdCall?.outcome).toBe('cancelled');
    const answer = await hold;
    expect('error' in answer || (answer.result as { isError?: boolean }).isError === true).toBe(true);

    const lines = logLines((host as HostProcess).stderr());
    expect(lines.find((line) => /shutdown deadline reached/.test(line.msg))).toMatchObject({
      level: LEVEL.warn,
      cutShort: 1,
    });
    expect(lines.some((line) => line.msg === 'mcp-host stopped')).toBe(true);
    // Flushed: the warm-start state holds the map and the upstream's catalogue, every file whole.
    const files = await expectOnlyWholeFiles(home);
    expect(files).toEqual(expect.arrayContaining(['mcp/host-state/catalogue.json']));
    const catalogue = JSON.parse(await readFile(join(home, 'mcp/host-state/catalogue.json'), 'utf8')) as {
      connectors: Record<string, unknown>;
    };
    expect(Object.keys(catalogue.connectors)).toEqual(['up']);
  });

  it('exits at once on a second SIGTERM, without waiting for the drain deadline', async () => {
    // A drain deadline far beyond the exit bound: only the second signal can end the process in time.
    await startMapHost({ MCP_HOST_SHUTDOWN_GRACE_MS: '600000' });
    const holdsBefore = upstream.calls.filter((call) => call.tool === 'hold').length;
    void (client as E2eClient).client.callTool({ name: 'up.hold', arguments: {} }).catch(() => undefined);
    await upstream.started('hold', holdsBefore + 1);

    const child = (host as HostProcess).child;
    child.kill('SIGTERM');
    await waitFor('the shutdown to begin', () => logged('shutting down'));
    const outcome = await (host as HostProcess).stop('SIGTERM', EXIT_BOUND_MS);
    // Not a clean exit: a supervisor must be able to tell a forced stop from a drained one.
    expect(outcome).not.toBe(0);
    expect(logged('mcp-host stopped')).toBe(false);
  });

  // A hung map endpoint must not hold the exit: stopping the refreshes aborts the map load in flight (it used to
  // wait out MCP_SERVICE_MAP_TIMEOUT_MS, 60 s here).
  it('exits promptly with code 0 on SIGTERM during a map refresh, leaving only whole state files', async () => {
    const { home } = await startMapHost({
      MCP_CONNECTOR_REFRESH_INTERVAL_MS: '1000',
      MCP_SERVICE_MAP_TIMEOUT_MS: '60000',
    });
    await waitFor('the first sync to persist its state', async () =>
      (await filesUnder(home)).includes('mcp/host-state/catalogue.json'),
    );
    mapEndpoint.setMode('hang');
    const hungBefore = mapEndpoint.stats.hung;
    await waitFor('a map refresh in flight', () => mapEndpoint.stats.hung > hungBefore, {
      timeoutMs: 15_000,
    });

    expect(await (host as HostProcess).stop('SIGTERM', EXIT_BOUND_MS)).toBe(0);
    await expectOnlyWholeFiles(home);
  });

  it('exits 0 on SIGTERM while the registry file flush keeps failing, leaving no partial registry file', async () => {
    const [home, stateHome] = await Promise.all([tempCortexHome(), tempCortexHome()]);
    homes.push(home, stateHome);
    const registryDir = join(home.dir, 'mcp');
    await mkdir(registryDir, { recursive: true });
    // One valid server and one broken one: the host moves the file aside, keeps `up`, and must write it back.
    const damaged = {
      version: 1,
      servers: [
        { name: 'up', transport: 'streamable-http', url: upstream.url },
        { name: 'broken', transport: 'stdio' },
      ],
    };
    await writeFile(join(registryDir, 'servers.json'), JSON.stringify(damaged));
    host = await startHostProcess({
      CORTEX_HOME: home.dir,
      MCP_HOST_STATE_DIR: join(stateHome.dir, 'host-state'),
    });
    // The write-back is due one flush interval after start-up; from now on it cannot succeed (root ignores modes).
    execFileSync('chattr', ['+i', registryDir]);
    immutableDir = registryDir;
    await waitFor(
      'a failed registry flush',
      () =>
        logLines((host as HostProcess).stderr()).some(
          (line) => line.level === LEVEL.warn && /Could not flush the MCP registry/.test(line.msg),
        ),
      { timeoutMs: 20_000 },
    );

    expect(await (host as HostProcess).stop('SIGTERM', EXIT_BOUND_MS)).toBe(0);
    expect(logged('mcp-host stopped')).toBe(true);
    const files = await expectOnlyWholeFiles(registryDir);
    // Nothing was written: the damaged original is still set aside, and no half-written servers.json exists.
    expect(files.includes('servers.json')).toBe(false);
    expect(files.some((file) => file.startsWith('servers.json.corrupt-'))).toBe(true);
  });
});
