import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryMemoryCache } from '@cortex-mcp/registry-fs-store';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadHostConfig } from '../../src/config/index.js';
import { type DemoConnector, startDemoConnector } from '../../src/demo/index.js';
import { startHost } from '../../src/host.js';
import { silentLogger } from '../../src/logger.js';
import { MapEndpoint } from '../e2e/helpers/map-endpoint.js';
import { entry, mapOf } from '../e2e/helpers/maps.js';

// Counting wrappers around the real functions (nothing is replaced): every file the host's own code reads, and every
// verification of a map it holds. The registry file is read by @cortex-mcp/registry-fs-store, counted by its init().
const counts = vi.hoisted(() => ({ reads: new Map<string, number>(), verifications: 0 }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const readFile = ((path: Parameters<typeof real.readFile>[0], ...rest: unknown[]) => {
    const key = String(path);
    counts.reads.set(key, (counts.reads.get(key) ?? 0) + 1);
    return (real.readFile as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof real.readFile;
  return { ...real, readFile, default: { ...real, readFile } };
});

vi.mock('@cortex-mcp/service-map-loader', async (importOriginal) => {
  const real = await importOriginal<typeof import('@cortex-mcp/service-map-loader')>();
  return {
    ...real,
    parseServiceMap: (...args: Parameters<typeof real.parseServiceMap>) => {
      counts.verifications += 1;
      return real.parseServiceMap(...args);
    },
  };
});

let home: string;
let notes: DemoConnector;
let mapEndpoint: MapEndpoint;
let mapUrl: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'mcp-host-warm-reads-'));
  await mkdir(join(home, 'mcp'), { recursive: true });
  notes = await startDemoConnector({ name: 'notes' });
  mapEndpoint = new MapEndpoint();
  mapUrl = await mapEndpoint.listen();
  mapEndpoint.publish(mapOf([entry('notes', notes.streamableUrl)], 3600), 'warm-reads-key');
  await writeFile(join(home, 'mcp', 'servers.json'), JSON.stringify({ version: 1, servers: [] }));
});

afterAll(async () => {
  await notes?.close();
  await mapEndpoint?.close();
  await rm(home, { recursive: true, force: true });
});

function hostConfig() {
  return loadHostConfig({
    argv: ['--port', '0', '--registry-path', join(home, 'mcp', 'servers.json')],
    env: {
      CONNECTORS_SERVICE_MAP_URL: mapUrl,
      CONNECTORS_SIGNATURE_KEY: 'warm-reads-key',
      MCP_LOG_LEVEL: 'silent',
    },
  });
}

describe('a warm start', () => {
  it('reads each warm-start file and verifies the persisted map once, though the fast path and the manager both use them', async () => {
    const config = hostConfig();
    // A first run persists the map and the catalogue.
    const first = await startHost(config, { logger: silentLogger() });
    await first.manager.refresh();
    await first.shutdown();

    counts.reads.clear();
    counts.verifications = 0;
    const inits = vi.spyOn(RegistryMemoryCache.prototype, 'init');
    const second = await startHost(config, { logger: silentLogger() });
    try {
      expect(second.registry.listTools().map((tool) => tool.name)).toContain('notes.echo');
      const readsOf = (file: string) => counts.reads.get(join(config.stateDir, file)) ?? 0;
      const registryReads = (counts.reads.get(config.registryPath) ?? 0) + inits.mock.calls.length;
      expect({
        map: readsOf('service-map.json'),
        mapMeta: readsOf('map-meta.json'),
        catalogue: readsOf('catalogue.json'),
        registryFile: registryReads,
        verifications: counts.verifications,
      }).toEqual({ map: 1, mapMeta: 1, catalogue: 1, registryFile: 1, verifications: 1 });
    } finally {
      inits.mockRestore();
      await second.shutdown();
    }
  });
});
