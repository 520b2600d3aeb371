#!/usr/bin/env node
// pnpm soak [--cycles 1000] [--seed 42] [--json <path>]
// Runs the connector pipeline through many refresh cycles on loopback — connectors that die and come back, map
// outages, map changes — and then checks what must hold after any such history: the registry lists exactly the
// tools of the last good map's connectors, no socket or timer leaked, and memory did not grow (RSS after GC at the
// end vs after a warm-up, under 10 %). Every loop is bounded in count and in time.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ConnectorProxyManager,
  defaultPipelineTuning,
  HostMetrics,
  MapPublisher,
  silentLogger,
  VersionedToolRegistry,
} from '@cortex-mcp/mcp-host';

/** Tools every demo connector offers. */
const DEMO_TOOLS = ['add', 'count', 'echo', 'log', 'wait'];
/** Whole-run wall-time budget: the soak stops early (and says so) rather than run unbounded. */
const DEFAULT_BUDGET_MS = 15 * 60_000;

/** A small deterministic PRNG (mulberry32), so a failing history can be replayed with its seed. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let mapCounter = 0;

/** A fresh ULID-shaped id for each published map (the loader checks the shape, not the time). */
function mapId() {
  mapCounter += 1;
  let tail = '';
  for (let value = mapCounter, index = 0; index < 10; index += 1, value = Math.floor(value / 32)) {
    tail = CROCKFORD[value % 32] + tail;
  }
  return `01J${'0'.repeat(13)}${tail}`;
}

function mapOf(connectors) {
  return {
    id: mapId(),
    brand: 'cortex',
    generatedAt: new Date().toISOString(),
    ttlSeconds: 3_600,
    connectors: connectors.map(({ id, endpoint }) => ({
      id,
      version: '1.0.0',
      name: `Soak ${id}`,
      scopes: [`${id}:read`],
      status: 'enabled',
      ttl: 300,
      endpoint,
      auth: { type: 'none' },
    })),
  };
}

/** Handles that must not pile up across cycles (sockets, timers, servers). */
function activeHandles() {
  const counts = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** The connector processes' farm: start/stop demo connectors by name over IPC. */
function startFarm() {
  const child = fork(fileURLToPath(new URL('./connector-farm.mjs', import.meta.url)), [], {
    stdio: 'ignore',
  });
  let next = 0;
  const pending = new Map();
  child.on('message', (message) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) waiter?.resolve(message);
    else waiter?.reject(new Error(message.error));
  });
  const request = (body) =>
    new Promise((resolve, reject) => {
      next += 1;
      pending.set(next, { resolve, reject });
      child.send({ ...body, id: next });
    });
  return {
    start: (name, port) => request({ cmd: 'start', name, port }),
    stop: (name) => request({ cmd: 'stop', name }),
    async exit() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await request({ cmd: 'exit' }).catch(() => undefined);
      await exited;
    },
  };
}

function memoryAfterGc() {
  globalThis.gc?.();
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssBytes: rss, heapUsedBytes: heapUsed };
}

/**
 * Runs the soak and returns its figures and the consistency verdicts.
 * @param {{ cycles: number, seed: number, connectorCount?: number, budgetMs?: number, log?: (line: string) => void }} options
 */
export async function runSoak(options) {
  const random = seededRandom(options.seed);
  const log = options.log ?? (() => {});
  const baselineHandles = activeHandles();
  const connectorCount = options.connectorCount ?? 6;
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'cortex-soak-'));
  const publisher = new MapPublisher();
  const mapUrl = await publisher.listen();
  const farm = startFarm();
  /** @type {Array<{ id: string, port: number, endpoint: string, up: boolean }>} */
  const connectors = [];
  for (let index = 0; index < connectorCount; index += 1) {
    const { url, port } = await farm.start(`s${index}`);
    connectors.push({ id: `s${index}`, port, endpoint: url, up: true });
  }
  let published = connectors.map(({ id, endpoint }) => ({ id, endpoint }));
  publisher.publish(mapOf(published));
  /** The connectors of the last map the manager could have accepted (published while the endpoint was up). */
  let lastGoodMap = published;

  const registry = new VersionedToolRegistry({ logger: silentLogger() });
  const manager = new ConnectorProxyManager({
    serviceMapUrl: mapUrl,
    signatureKeys: [publisher.signatureKey],
    refreshSync: true,
    refreshIntervalMs: 3_600_000,
    ...defaultPipelineTuning(),
    concurrency: 4,
    concurrencyMode: 'fixed',
    connectTimeoutMs: 2_000,
    callTimeoutMs: 2_000,
    mapTimeoutMs: 2_000,
    mapMaxBytes: 1_000_000,
    stateDir,
    registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    logger: silentLogger(),
    version: 'soak',
    callRetryDelayMs: 20,
  });

  const startedAt = performance.now();
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const events = {
    mapOutages: 0,
    mapChanges: 0,
    connectorKills: 0,
    connectorRestarts: 0,
    calls: 0,
    failedCalls: 0,
  };
  let warm;
  let cyclesRun = 0;
  let report;
  try {
    await manager.start();
    for (let cycle = 0; cycle < options.cycles; cycle += 1) {
      if (performance.now() - startedAt > budgetMs) {
        log(`budget of ${budgetMs} ms reached after ${cycle} cycles`);
        break;
      }
      const mapDown = random() < 0.1;
      publisher.setDown(mapDown);
      if (mapDown) events.mapOutages += 1;
      if (random() < 0.15) {
        // A new map: a random non-empty subset of the connectors.
        const subset = connectors.filter(() => random() < 0.7);
        published = (subset.length > 0 ? subset : connectors.slice(0, 1)).map(({ id, endpoint }) => ({
          id,
          endpoint,
        }));
        publisher.publish(mapOf(published));
        events.mapChanges += 1;
      }
      if (!mapDown) lastGoodMap = published;
      for (const connector of connectors) {
        if (connector.up && random() < 0.05) {
          await farm.stop(connector.id);
          connector.up = false;
          events.connectorKills += 1;
        } else if (!connector.up && random() < 0.3) {
          await farm.start(connector.id, connector.port);
          connector.up = true;
          events.connectorRestarts += 1;
        }
      }
      await manager.refresh(`soak ${cycle}`);
      if (random() < 0.3) {
        const target = lastGoodMap[Math.floor(random() * lastGoodMap.length)];
        const tool = target ? registry.getTool(`${target.id}.echo`) : undefined;
        if (tool) {
          events.calls += 1;
          const result = await tool.handler({ text: `cycle ${cycle}` }, {});
          if (result?.isError) events.failedCalls += 1;
        }
      }
      cyclesRun = cycle + 1;
      if (cycle === Math.min(49, options.cycles - 1)) warm = memoryAfterGc();
      if ((cycle + 1) % 100 === 0)
        log(`cycle ${cycle + 1}: RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MB`);
    }

    // Settle: map up, every connector up, one last refresh; then what is served must match the last good map.
    publisher.setDown(false);
    lastGoodMap = published;
    for (const connector of connectors) {
      if (!connector.up) await farm.start(connector.id, connector.port);
      connector.up = true;
    }
    await manager.refresh('settle');
    for (const connector of connectors) {
      const waited = registry.getTool(`${connector.id}.echo`);
      if (waited && lastGoodMap.some((entry) => entry.id === connector.id)) {
        await waited.handler({ text: 'settle' }, {});
      }
    }
    const served = registry
      .listTools()
      .map((tool) => tool.name)
      .sort();
    const expected = lastGoodMap.flatMap(({ id }) => DEMO_TOOLS.map((tool) => `${id}.${tool}`)).sort();
    const status = manager.status();
    const unavailable = status.connectors
      .filter((connector) => !connector.available)
      .map((connector) => connector.id);
    const end = memoryAfterGc();
    report = {
      cycles: cyclesRun,
      seed: options.seed,
      durationMs: Math.round(performance.now() - startedAt),
      events,
      registryVersion: registry.version,
      consistent: JSON.stringify(served) === JSON.stringify(expected),
      served: served.length,
      expected: expected.length,
      unavailable,
      rss: {
        warmMb: warm ? warm.rssBytes / 2 ** 20 : null,
        endMb: end.rssBytes / 2 ** 20,
        growth: warm ? end.rssBytes / warm.rssBytes - 1 : null,
      },
      heapUsed: {
        warmMb: warm ? warm.heapUsedBytes / 2 ** 20 : null,
        endMb: end.heapUsedBytes / 2 ** 20,
        growth: warm ? end.heapUsedBytes / warm.heapUsedBytes - 1 : null,
      },
    };
  } finally {
    await manager.disconnect();
    await farm.exit();
    await publisher.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
  // Some sockets finish closing on the next turns of the event loop: give them a bounded number of turns.
  for (let turn = 0; turn < 20 && !sameHandles(baselineHandles, activeHandles()); turn += 1) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { ...report, handles: { before: baselineHandles, afterTeardown: activeHandles() } };
}

function sameHandles(a, b) {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}

/** Handle kinds (sockets, timers, servers) left after everything was closed that were not there before the run. */
export function leakedHandles(report) {
  const leaks = {};
  for (const [kind, count] of Object.entries(report.handles.afterTeardown)) {
    const before = report.handles.before[kind] ?? 0;
    if (count > before) leaks[kind] = { before, afterTeardown: count };
  }
  return leaks;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      cycles: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '42' },
      json: { type: 'string' },
    },
  });
  const report = await runSoak({
    cycles: Number(values.cycles),
    seed: Number(values.seed),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const leaks = leakedHandles(report);
  const growthOk = report.rss.growth === null || report.rss.growth < 0.1;
  const summary = {
    ...report,
    leaks,
    verdict: {
      consistent: report.consistent,
      rssGrowthUnder10Percent: growthOk,
      noLeaks: Object.keys(leaks).length === 0,
    },
  };
  const text = `${JSON.stringify(summary, null, 2)}\n`;
  process.stdout.write(text);
  if (values.json) writeFileSync(values.json, text);
  process.exitCode = summary.verdict.consistent && growthOk && summary.verdict.noLeaks ? 0 : 1;
}
