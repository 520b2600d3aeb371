import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestCache } from '@cortex-mcp/manifest-cache';
import { RefreshScheduler } from '@cortex-mcp/refresh-scheduler';
import { RegistryMemoryCache } from '@cortex-mcp/registry-fs-store';
import {
  loadConnectorServiceMap,
  type ServiceMapPayload,
  type UnsignedServiceMapPayload,
} from '@cortex-mcp/service-map-loader';
import { Agent } from 'undici';
import { MapPublisher } from './map-publisher.js';

/** Options of {@link runFoundationDemo}. */
export interface FoundationDemoOptions {
  /** Where each line of the demo goes. */
  print: (line: string) => void;
  /** Mean time between scheduled refreshes; each delay is jittered by ±20 %. Default 1000. */
  intervalMs?: number;
}

/** What the demo observed; the demo's test asserts on it. */
export interface FoundationDemoReport {
  runs: number;
  mapRequests: number;
  tcpConnections: number;
  notModified: number;
  staleServedDuringOutage: boolean;
  connectorIdsAtEnd: string[];
  registryWrites: number;
  registryEntries: number;
}

interface CachedMap {
  payload: ServiceMapPayload;
  etag: string | undefined;
  expiresAtMs: number;
}

const SCENES = [
  'first load',
  'cache fresh',
  'map republished',
  'endpoint outage',
  'endpoint back',
  'etag check',
];

/**
 * A tour of the four foundation packages working together, on loopback only: a locally signed map is served by a
 * {@link MapPublisher}, loaded through one shared undici `Agent`, kept in a `ManifestCache` (stale-on-error), refreshed
 * by a jittered `RefreshScheduler`, and a user server is saved crash-safely by a `RegistryMemoryCache`.
 */
export async function runFoundationDemo(options: FoundationDemoOptions): Promise<FoundationDemoReport> {
  const intervalMs = options.intervalMs ?? 1000;
  const started = Date.now();
  const print = (line: string) =>
    options.print(`${`+${((Date.now() - started) / 1000).toFixed(2)}s`.padStart(8)}  ${line}`);

  const publisher = new MapPublisher();
  const serviceMapUrl = await publisher.listen();
  const agent = new Agent({ connections: 10, pipelining: 1, keepAliveTimeout: 30_000 });
  const cache = new ManifestCache<CachedMap>({
    onError: (error) => print(`refresh failed, still serving the stale map: ${(error as Error).message}`),
  });
  const home = await mkdtemp(join(tmpdir(), 'cortex-mcp-demo-'));
  const report: FoundationDemoReport = {
    runs: 0,
    mapRequests: 0,
    tcpConnections: 0,
    notModified: 0,
    staleServedDuringOutage: false,
    connectorIdsAtEnd: [],
    registryWrites: 0,
    registryEntries: 0,
  };

  // The map's signed expiry drives freshness, as in the host; each publication says how long it stays fresh.
  const publish = (connectorIds: string[], freshForIntervals: number) =>
    publisher.publish(demoMap(connectorIds, intervalMs * freshForIntervals));
  const loadMap = async () => {
    const previous = cache.get();
    const result = await loadConnectorServiceMap({
      serviceMapUrl,
      dispatcher: agent,
      signatureKey: publisher.signatureKey,
      etag: previous?.etag,
      timeoutMs: 5_000,
    });
    if (result.notModified) {
      if (!previous) throw new Error('304 Not Modified without a cached map');
      print(`304 Not Modified (ETag ${result.etag}): 0 body bytes, the cached map stays`);
      return { value: previous, expiresAtMs: previous.expiresAtMs };
    }
    print(`loaded map ${result.payload.id}: ${describeConnectors(result.payload)}, signature verified`);
    const { payload, etag, expiresAtMs } = result;
    return { value: { payload, etag, expiresAtMs }, expiresAtMs };
  };

  print(`map endpoint  ${serviceMapUrl}  (signed with a key made for this run)`);
  publish(['arxiv', 'wikidata'], 1.5);

  let sceneDone: () => void = () => {};
  const allScenesDone = new Promise<void>((resolve) => {
    sceneDone = resolve;
  });
  const scheduler = new RefreshScheduler({
    intervalMs,
    runOnStart: true,
    onRefresh: async () => {
      const scene = SCENES[report.runs];
      report.runs += 1;
      if (scene === undefined) return;
      print(`— refresh #${report.runs} (${scene}); cache is ${cache.inspect().status}`);
      await playScene(scene);
      if (report.runs === SCENES.length) sceneDone();
    },
  });

  const playScene = async (scene: string) => {
    // Scheduled runs are 0.8–1.2 intervals apart: a map fresh for 0.5 intervals is stale at the next run.
    if (scene === 'map republished') publish(['arxiv', 'wikidata', 'search'], 0.5);
    if (scene === 'endpoint outage') publisher.setDown(true);
    if (scene === 'endpoint back') {
      publisher.setDown(false);
      publish(['arxiv', 'wikidata', 'search'], 10);
    }
    if (scene === 'etag check') {
      await cache.refresh(loadMap);
      return;
    }
    const statusBefore = cache.inspect().status;
    const served = await cache.getOrLoad(loadMap);
    if (statusBefore === 'fresh')
      print(`cache fresh: served map ${served.payload.id} with no network request`);
    if (statusBefore === 'stale') {
      print(`served the stale map ${served.payload.id} at once; one background load is running`);
      // refresh() joins the background load in flight instead of starting another.
      await cache.refresh(loadMap).catch(() => undefined);
      if (scene === 'endpoint outage') report.staleServedDuringOutage = cache.get() === served;
    }
  };

  scheduler.start();
  await allScenesDone;
  await scheduler.stop();
  report.connectorIdsAtEnd = (cache.get()?.payload.connectors ?? []).map((connector) => connector.id);

  await demoRegistry(home, print, report);
  await agent.close();
  await publisher.close();
  await rm(home, { recursive: true, force: true });

  Object.assign(report, {
    mapRequests: publisher.stats.requests,
    tcpConnections: publisher.stats.tcpConnections,
    notModified: publisher.stats.notModified,
  });
  print(
    `done: ${report.mapRequests} map requests over ${report.tcpConnections} TCP connection(s) through one shared ` +
      `undici Agent; ${report.notModified} answered 304; stale map kept through the outage: ${report.staleServedDuringOutage}`,
  );
  return report;
}

async function demoRegistry(home: string, print: (line: string) => void, report: FoundationDemoReport) {
  const registryPath = join(home, 'mcp', 'servers.json');
  const registry = new RegistryMemoryCache({
    registryPath,
    onFlush: ({ durationMs, entryCount }) => {
      report.registryWrites += 1;
      print(`registry flush: ${entryCount} servers written atomically in ${durationMs.toFixed(1)} ms`);
    },
  });
  await registry.init();
  for (let index = 0; index < 100; index += 1) {
    registry.upsert({
      name: `scratch-${index % 10}`,
      transport: 'stdio',
      command: 'node',
      args: [`server-${index}.js`],
    });
  }
  registry.upsert({
    name: 'local-files',
    transport: 'stdio',
    command: 'npx',
    args: ['-y', 'some-mcp-server'],
  });
  print('registry: 101 upserts in memory, 0 file writes so far');
  await registry.close();
  const saved = JSON.parse(await readFile(registryPath, 'utf8')) as { servers: unknown[] };
  report.registryEntries = saved.servers.length;
  print(
    `registry file ${registryPath} holds ${saved.servers.length} servers after ${report.registryWrites} write(s)`,
  );
}

function describeConnectors(payload: ServiceMapPayload): string {
  const enabled = payload.connectors.filter((connector) => connector.status === 'enabled');
  return `${payload.connectors.length} connectors (${enabled.map((connector) => connector.id).join(', ')} enabled)`;
}

function demoMap(connectorIds: string[], freshForMs: number): UnsignedServiceMapPayload {
  const ttlSeconds = 3600;
  // Backdate generatedAt so the signed expiry (generatedAt + ttlSeconds) lands freshForMs from now.
  const generatedAt = new Date(Date.now() + freshForMs - ttlSeconds * 1000).toISOString();
  return {
    id: ulid(),
    brand: 'brAInwav',
    generatedAt,
    ttlSeconds,
    connectors: [
      ...connectorIds.map((id) => ({
        id,
        version: '1.0.0',
        name: `Demo ${id}`,
        scopes: [`${id}:read`],
        status: 'enabled' as const,
        ttl: 300,
        endpoint: `http://127.0.0.1:9/${id}/mcp`,
        auth: { type: 'none' as const },
      })),
      {
        id: 'legacy',
        version: '0.0.1',
        name: 'Disabled',
        scopes: ['legacy:read'],
        status: 'disabled' as const,
        ttl: 60,
      },
    ],
  };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID: 10 characters of millisecond time, then 16 random ones, in Crockford base32. */
function ulid(): string {
  let time = Date.now();
  let timePart = '';
  for (let index = 0; index < 10; index += 1) {
    timePart = CROCKFORD[time % 32] + timePart;
    time = Math.floor(time / 32);
  }
  const randomPart = [...randomBytes(16)].map((byte) => CROCKFORD[byte % 32]).join('');
  return timePart + randomPart;
}
