import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@cortex-mcp/test-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStatus } from '../../src/commands/status/command.js';
import { loadHostConfig } from '../../src/config/load-host-config.js';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { type RunningHost, startHost } from '../../src/host.js';
import { silentLogger } from '../../src/logger.js';
import type { HostStatus } from '../../src/status/host-status.js';
import { MapEndpoint } from '../e2e/helpers/map-endpoint.js';
import { entry, mapOf } from '../e2e/helpers/maps.js';
import { captureIo } from './capture-io.js';
import { runCli } from './cli-process.js';

let notes: DemoConnector;
let host: RunningHost;
let hostBase: string;
let hostPort: string;
let closedPort: number;
let notAHost: Server;
let notAHostBase: string;
let home: string;
let mapEndpoint: MapEndpoint;
let mapId: string;

beforeAll(async () => {
  notes = await startDemoConnector({ name: 'notes' });
  closedPort = await freePort();
  home = await mkdtemp(join(tmpdir(), 'mcp-host-status-'));
  const registryPath = join(home, 'mcp', 'servers.json');
  await mkdir(join(home, 'mcp'), { recursive: true });
  // notes comes from a signed map, gone from the registry file.
  mapEndpoint = new MapEndpoint();
  const mapUrl = await mapEndpoint.listen();
  const map = mapOf([entry('notes', notes.streamableUrl)], 300);
  mapId = map.id;
  mapEndpoint.publish(map, 'status-test-key');
  const servers = [
    { name: 'gone', transport: 'streamable-http', enabled: true, url: `http://127.0.0.1:${closedPort}/mcp` },
  ];
  await writeFile(registryPath, JSON.stringify({ version: 1, servers }), { mode: 0o600 });
  // Sync before serving, so /status already shows both connectors settled.
  const config = loadHostConfig({
    argv: ['--port', '0', '--refresh-sync', '--registry-path', registryPath, '--connect-timeout-ms', '3000'],
    env: { CONNECTORS_SERVICE_MAP_URL: mapUrl, CONNECTORS_SIGNATURE_KEY: 'status-test-key' },
  });
  host = await startHost(config, { logger: silentLogger() });
  const url = new URL(host.url as string);
  hostBase = url.origin;
  hostPort = url.port;
  notAHost = createHttpServer((_request, response) => response.writeHead(404).end('not here'));
  await new Promise<void>((resolve) => notAHost.listen(0, '127.0.0.1', resolve));
  notAHostBase = `http://127.0.0.1:${(notAHost.address() as { port: number }).port}`;
});
afterAll(async () => {
  await host?.shutdown();
  notAHost?.closeAllConnections();
  await new Promise<void>((resolve) => notAHost?.close(() => resolve()));
  await notes?.close();
  await mapEndpoint?.close();
  await rm(home, { recursive: true, force: true });
});

describe('mcp-host status', () => {
  it('summarises a running host: readiness, map, one line per connector with state, tools and last error', async () => {
    const io = captureIo();
    const code = await runStatus(['--url', hostBase], io, {});
    expect(code, io.err()).toBe(0);
    const lines = io.out().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^mcp-host \\S+ at ${hostBase}/: ready, up \\d+ s$`));
    expect(io.out()).toMatch(
      new RegExp(
        `\nmap {9}${mapId} fresh, expires in \\d+ min \\d+ s \\(from network\\), refreshed \\d+ s ago\n`,
      ),
    );
    expect(io.out()).toContain('connectors  2 (1 up, 1 down)');
    expect(lines.find((line) => line.trimStart().startsWith('notes'))).toMatch(
      /^\s+notes\s+up\s+streamable-http\s+5 tool\(s\), 2 resource\(s\), 1 template\(s\), 2 prompt\(s\)$/,
    );
    expect(lines.find((line) => line.trimStart().startsWith('gone'))).toMatch(
      /^\s+gone\s+down\s+streamable-http\s+0 tool\(s\)\s+last error \d+ s ago: .*ECONNREFUSED/,
    );
    expect(io.out()).toMatch(
      /registry {4}version \d+, 5 tool\(s\), 2 resource\(s\), 1 template\(s\), 2 prompt\(s\)/,
    );
    expect(io.out()).toMatch(/last sync {3}\S+ \d+ s ago: 2 connector\(s\), 1 failed, took \d+ ms/);
  });

  it('prints the /status document as sent with --json, at the configured port by default', async () => {
    const io = captureIo();
    const code = await runStatus(['--json'], io, { MCP_HOST_PORT: hostPort });
    expect(code, io.err()).toBe(0);
    const status = JSON.parse(io.out()) as HostStatus;
    const states = status.connectors.map((connector) => `${connector.id}:${connector.state}`);
    expect(states.sort()).toEqual(['gone:down', 'notes:up']);
    expect(status.registry.toolCount).toBe(5);
    expect(io.err()).toBe('');
  });

  it('exits 1 with a clear error when no host answers at the URL', async () => {
    const io = captureIo();
    const code = await runStatus(['--url', `http://127.0.0.1:${closedPort}`], io, {});
    expect(code).toBe(1);
    expect(io.out()).toBe('');
    expect(io.err()).toBe(
      `mcp-host status: No mcp-host answers at http://127.0.0.1:${closedPort}/status (ECONNREFUSED). Start one with "mcp-host serve", or pass --url with the address of a running host.\n`,
    );
  });

  it('exits 1 when something that is not a host answers', async () => {
    const io = captureIo();
    expect(await runStatus(['--url', notAHostBase], io, {})).toBe(1);
    expect(io.err()).toContain(
      `${notAHostBase}/status answered HTTP 404. Is this the address of an mcp-host?`,
    );
  });

  it('exits 1 from the built program for the default address when nothing listens, 2 for a bad --url', async () => {
    const none = await runCli(['status', '--port', String(closedPort)], { env: { HOME: home } });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`No mcp-host answers at http://127.0.0.1:${closedPort}/status`);
    const bad = await runCli(['status', '--url', 'ftp://example.com'], { env: { HOME: home } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid --url');
  });
});
