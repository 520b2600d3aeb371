// Scenario 7 — the registry file store (servers.json): flush time with 1,000 servers, file writes per 100 and per
// 10,000 upserts, and upsert throughput. Baseline: the same store used write-through (a flush after every upsert,
// which is what a store without batching does). Writes are counted by wrapping node:fs/promises: one temp file of
// servers.json opened with 'wx' per atomic write of the registry file. Each flush also takes a lock file and writes
// the servers.json.bak backup (registry-fs-store's two-writer safety and damage recovery); those are not counted.
import { mkdtempSync, promises as nodeFs } from 'node:fs';
import path from 'node:path';
import { RegistryMemoryCache } from '@cortex-mcp/registry-fs-store';
import { figure, summarize } from '../lib/stats.mjs';

/** node:fs/promises with a count of atomic writes of servers.json (its temp files opened with 'wx'). */
function countingFs() {
  const counter = { writes: 0 };
  const fs = {
    ...nodeFs,
    /** @param {string} file @param {string} flags @param {number} [mode] */
    open(file, flags, mode) {
      if (flags === 'wx' && path.basename(file).startsWith('servers.json.tmp-')) counter.writes += 1;
      return nodeFs.open(file, flags, mode);
    },
  };
  return { fs, counter };
}

/** @param {number} index @param {number} generation */
function server(index, generation) {
  return {
    name: `server-${String(index).padStart(5, '0')}`,
    transport: /** @type {const} */ ('streamable-http'),
    url: `https://mcp-${index}.example.com/mcp`,
    headers: { 'x-tenant': `tenant-${index % 17}` },
    metadata: { generation, labels: ['bench', `group-${index % 10}`] },
  };
}

/**
 * A store holding `size` servers, flushed, with its write counter reset.
 * @param {string} dir
 * @param {number} size
 * @param {number} flushIntervalMs
 */
async function filledStore(dir, size, flushIntervalMs) {
  const { fs, counter } = countingFs();
  const store = new RegistryMemoryCache({
    registryPath: path.join(mkdtempSync(path.join(dir, 'registry-')), 'servers.json'),
    flushIntervalMs,
    fs,
    logger: { warn: () => {} },
  });
  await store.init();
  for (let index = 0; index < size; index += 1) store.upsert(server(index, 0));
  await store.flush();
  counter.writes = 0;
  return { store, counter };
}

/** Upserts in bursts of 100, yielding between bursts so the flush timer can run; bounded by `timeLimitMs`. */
async function upsertMany(
  /** @type {RegistryMemoryCache} */ store,
  /** @type {number} */ count,
  /** @type {number} */ size,
  /** @type {number} */ timeLimitMs,
) {
  const startedAt = performance.now();
  let done = 0;
  while (done < count && performance.now() - startedAt < timeLimitMs) {
    for (let burst = 0; burst < 100 && done < count; burst += 1, done += 1)
      store.upsert(server(done % size, done + 1));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { done, elapsedMs: performance.now() - startedAt };
}

export default {
  id: '7',
  title: 'registry store',
  /** @param {import('../lib/context.mjs').BenchContext} ctx */
  async run(ctx) {
    const size = ctx.smoke ? 100 : 1000;
    const flushRounds = ctx.smoke ? 5 : 100;
    const manyUpserts = ctx.smoke ? 1000 : 10_000;
    const perRun = [];
    for (let run = 0; run < ctx.runs; run += 1) {
      // Flush time: one change, then flush(), repeated.
      const timed = await filledStore(ctx.tmpDir, size, 0);
      const flushTimes = [];
      for (let round = 0; round < flushRounds; round += 1) {
        timed.store.upsert(server(round % size, round + 1));
        const startedAt = performance.now();
        await timed.store.flush();
        flushTimes.push(performance.now() - startedAt);
      }
      ctx.check(
        timed.counter.writes === flushRounds,
        `${flushRounds} flushes made ${timed.counter.writes} writes`,
      );
      await timed.store.close();
      const flush = summarize(flushTimes);

      // Write-through baseline: a flush after each of 100 upserts.
      const through = await filledStore(ctx.tmpDir, size, 0);
      const throughStartedAt = performance.now();
      for (let index = 0; index < 100; index += 1) {
        through.store.upsert(server(index, index + 1));
        await through.store.flush();
      }
      const throughElapsedMs = performance.now() - throughStartedAt;
      const throughWrites = through.counter.writes;
      await through.store.close();

      // Batched (default interval 5 s): 100 upserts, then close() writes once.
      const batched = await filledStore(ctx.tmpDir, size, 5000);
      for (let index = 0; index < 100; index += 1) batched.store.upsert(server(index, index + 1));
      await batched.store.close();
      const batchedWrites = batched.counter.writes;

      // 10,000 upserts at full speed with the default interval, then with a 20 ms interval (writes ≤ 1 per interval).
      const many = await filledStore(ctx.tmpDir, size, 5000);
      const manyRun = await upsertMany(many.store, manyUpserts, size, 20_000);
      await many.store.close();
      const stress = await filledStore(ctx.tmpDir, size, 20);
      const stressRun = await upsertMany(stress.store, manyUpserts, size, 20_000);
      await stress.store.close();
      const allowedStressWrites = Math.ceil(stressRun.elapsedMs / 20) + 1;
      ctx.check(
        stressRun.done === manyUpserts,
        `only ${stressRun.done} of ${manyUpserts} upserts ran in time`,
      );
      perRun.push({
        flushP50: flush.p50,
        flushP95: flush.p95,
        throughWrites,
        batchedWrites,
        manyWrites: many.counter.writes,
        stressWrites: stress.counter.writes,
        allowedStressWrites,
        oursRate: (manyRun.done / manyRun.elapsedMs) * 1000,
        throughRate: (100 / throughElapsedMs) * 1000,
      });
      ctx.log(`run ${run + 1}: ${JSON.stringify(perRun.at(-1))}`);
    }
    const get = (/** @type {keyof (typeof perRun)[number]} */ key, /** @type {string} */ unit) =>
      figure(
        perRun.map((entry) => entry[key]),
        unit,
      );
    const flushP95 = get('flushP95', 'ms');
    const stressOk = perRun.every((entry) => entry.stressWrites <= entry.allowedStressWrites);
    return [
      {
        scenario: '7 registry store',
        metric: `flush p50, ${size} servers (${flushRounds} flushes per run)`,
        baseline: null,
        ours: get('flushP50', 'ms'),
        ratio: null,
        target: '',
        met: null,
      },
      {
        scenario: '7 registry store',
        metric: `flush p95, ${size} servers`,
        baseline: null,
        ours: flushP95,
        ratio: null,
        target: 'p95 ≤ 50 ms (seed)',
        met: ctx.smoke ? null : flushP95.median <= 50,
      },
      {
        scenario: '7 registry store',
        metric: 'file writes per 100 upserts (baseline = write-through)',
        baseline: get('throughWrites', 'writes'),
        ours: get('batchedWrites', 'writes'),
        ratio: get('batchedWrites', '').median / get('throughWrites', '').median,
        target: '1–20',
        met: get('batchedWrites', '').max <= 20 && get('batchedWrites', '').min >= 1,
      },
      {
        scenario: '7 registry store',
        metric: `file writes per ${manyUpserts} upserts, interval 5 s (baseline = 1 per upsert by construction)`,
        baseline: null,
        ours: get('manyWrites', 'writes'),
        ratio: null,
        target: '≤ 1 per flush interval',
        met: get('manyWrites', '').max <= 2,
      },
      {
        scenario: '7 registry store',
        metric: `file writes per ${manyUpserts} upserts, interval 20 ms (allowed ${get('allowedStressWrites', '').median})`,
        baseline: null,
        ours: get('stressWrites', 'writes'),
        ratio: null,
        target: '≤ 1 per flush interval',
        met: stressOk,
      },
      {
        scenario: '7 registry store',
        metric: `upsert throughput, ${size} servers (baseline = write-through)`,
        baseline: get('throughRate', 'upserts/s'),
        ours: get('oursRate', 'upserts/s'),
        ratio: get('oursRate', '').median / get('throughRate', '').median,
        target: '',
        met: null,
      },
    ];
  },
};
