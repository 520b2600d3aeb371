import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTools } from '../../src/commands/host-commands.js';
import { ConnectProgressLine } from '../../src/commands/progress.js';
import { loadHostConfig } from '../../src/config/load-host-config.js';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { silentLogger } from '../../src/logger.js';
import { ConnectorProxyManager } from '../../src/manager/connector-proxy-manager.js';
import type { ConnectProgressEvent } from '../../src/manager/options.js';
import { HostMetrics } from '../../src/metrics.js';
import { MANAGER_TEST_SETTINGS } from '../manager/fixtures.js';
import { captureIo } from './capture-io.js';
import { runCli } from './cli-process.js';

let notes: DemoConnector;
let home: string;
let registryPath: string;
let closedPort: number;

beforeAll(async () => {
  notes = await startDemoConnector({ name: 'notes' });
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  home = await mkdtemp(join(tmpdir(), 'mcp-host-progress-'));
  registryPath = join(home, 'mcp', 'servers.json');
  await mkdir(join(home, 'mcp'), { recursive: true });
  const servers = [
    { name: 'notes', transport: 'streamable-http', enabled: true, url: notes.streamableUrl },
    { name: 'gone', transport: 'streamable-http', enabled: true, url: `http://127.0.0.1:${closedPort}/mcp` },
  ];
  await writeFile(registryPath, JSON.stringify({ version: 1, servers }), { mode: 0o600 });
});
afterAll(async () => {
  await notes.close();
  await rm(home, { recursive: true, force: true });
});

function config() {
  return loadHostConfig({
    argv: ['--registry-path', registryPath, '--connect-timeout-ms', '3000', '--log-level', 'silent'],
    env: {},
  });
}

describe('connect progress', () => {
  it.each(['fixed', 'adaptive'] as const)(
    'the manager reports each settled connect once, counting up to the total and naming failures (%s mode)',
    async (concurrencyMode) => {
      const events: ConnectProgressEvent[] = [];
      const manager = new ConnectorProxyManager({
        signatureKeys: [],
        refreshSync: true,
        refreshIntervalMs: 60_000,
        ...MANAGER_TEST_SETTINGS,
        concurrency: 2,
        concurrencyMode,
        connectTimeoutMs: 3000,
        callTimeoutMs: 3000,
        mapTimeoutMs: 3000,
        mapMaxBytes: 1_000_000,
        registryPath,
        stateDir: join(home, `state-${concurrencyMode}`),
        registry: new VersionedToolRegistry(),
        metrics: new HostMetrics({ defaultMetrics: false }),
        logger: silentLogger(),
        version: 'test',
        onConnectProgress: (event) => events.push(event),
      });
      try {
        await manager.start();
      } finally {
        await manager.disconnect();
      }
      expect(events.map((event) => [event.done, event.total])).toEqual([
        [1, 2],
        [2, 2],
      ]);
      const byId = Object.fromEntries(events.map((event) => [event.connectorId, event]));
      expect(byId.notes).toEqual(expect.objectContaining({ ok: true }));
      expect(byId.notes?.error).toBeUndefined();
      expect(byId.gone).toEqual(
        expect.objectContaining({ ok: false, error: expect.stringContaining('ECONNREFUSED') }),
      );
    },
  );

  it('a throwing progress callback does not break the sync', async () => {
    const registry = new VersionedToolRegistry();
    const manager = new ConnectorProxyManager({
      signatureKeys: [],
      refreshSync: true,
      refreshIntervalMs: 60_000,
      ...MANAGER_TEST_SETTINGS,
      concurrency: 2,
      connectTimeoutMs: 3000,
      callTimeoutMs: 3000,
      mapTimeoutMs: 3000,
      mapMaxBytes: 1_000_000,
      registryPath,
      stateDir: join(home, 'state-throwing'),
      registry,
      metrics: new HostMetrics({ defaultMetrics: false }),
      logger: silentLogger(),
      version: 'test',
      onConnectProgress: () => {
        throw new Error('display went away');
      },
    });
    try {
      await manager.start();
      expect(registry.listTools().map((tool) => tool.name)).toContain('notes.echo');
    } finally {
      await manager.disconnect();
    }
  });

  it('mcp-host tools shows connecting n/N and names the failure on a terminal', async () => {
    const io = captureIo(true);
    expect(await runTools(config(), io, { json: false })).toBe(0);
    expect(io.out()).toContain('notes.echo');
    const err = io.err();
    expect(err).toContain('connecting 2/2 connectors (1 failed)');
    expect(err).toMatch(/failed: gone: .*ECONNREFUSED/);
    expect(err).toContain('; failed: gone\n');
    expect(err).toContain('5 tools; 1 connector(s) unavailable');
  });

  it('mcp-host tools --json stays quiet on stderr when it is not a terminal', async () => {
    const io = captureIo(false);
    expect(await runTools(config(), io, { json: true })).toBe(0);
    expect(JSON.parse(io.out())).toHaveLength(5);
    expect(io.err()).toBe('');
  });

  it('the built program shows no progress when stderr is a pipe', async () => {
    const result = await runCli(['tools', '--registry-path', registryPath, '--connect-timeout-ms', '3000'], {
      env: { HOME: home },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('connecting');
    expect(result.stderr).toContain('1 connector(s) unavailable');
  });

  it('the progress line writes nothing at all when disabled', () => {
    const io = captureIo(false);
    const line = new ConnectProgressLine(io, 'connecting');
    line.update({ done: 1, total: 1, connectorId: 'x', ok: false, error: 'boom' });
    line.finish();
    expect(line.enabled).toBe(false);
    expect(io.err()).toBe('');
  });

  it('the progress line redraws in place and makes remote text safe for the terminal', () => {
    const io = captureIo(true);
    const line = new ConnectProgressLine(io, 'connecting');
    line.update({ done: 1, total: 2, connectorId: 'a', ok: true });
    line.update({ done: 2, total: 2, connectorId: 'b\u001b[31m', ok: false, error: 'bad\u0007 news' });
    line.finish();
    line.finish();
    expect(io.err()).toBe(
      '\r\u001b[Kconnecting 1/2 connectors' +
        '\r\u001b[K  failed: b?[31m: bad? news\nconnecting 2/2 connectors (1 failed)' +
        '; failed: b?[31m\n',
    );
  });
});
