// Scenario 6 — a tool call through the host against the same call made directly to the upstream, Streamable HTTP
// on both sides, with the upstream in its own process and the host a real `mcp-host serve` process. Sequential
// p50/p95/p99, throughput at concurrency 32; then again with 100 ms of upstream latency.

import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { startHostProcess, writeRegistryFile } from '../lib/host-process.mjs';
import { BENCH_DIR, forkWorker } from '../lib/processes.mjs';
import { figure } from '../lib/stats.mjs';
import { measureEndpoint, waitForTools } from '../lib/targets.mjs';

const UPSTREAM = path.join(BENCH_DIR, 'lib', 'upstream-process.mjs');

/**
 * Starts an upstream process and a host in front of it; `measure` runs the plan on both, interleaved per run.
 * @param {import('../lib/context.mjs').BenchContext} ctx
 * @param {{ callDelayMs: number, nodeArgs?: string[], hostArgs?: string[] }} setup
 */
export async function hostAndDirect(ctx, setup) {
  const upstream = forkWorker(UPSTREAM);
  /** @type {Awaited<ReturnType<typeof startHostProcess>> | undefined} */
  let host;
  try {
    const { urls } = await upstream.request({
      cmd: 'start',
      options: { connectorCount: 1, toolsPerConnector: 3, callDelayMs: setup.callDelayMs },
    });
    const directUrl = /** @type {string} */ (urls[0]);
    const registryPath = writeRegistryFile(ctx.tmpDir, [
      { name: 'up', transport: 'streamable-http', url: directUrl },
    ]);
    host = await startHostProcess({ registryPath, nodeArgs: setup.nodeArgs, extraArgs: setup.hostArgs });
    await waitForTools(host.url, (tools) => tools.some((tool) => tool.name === 'up.echo'));
    return { upstream, host, directUrl, hostUrl: host.url };
  } catch (error) {
    await host?.stop();
    await upstream.stop();
    throw error;
  }
}

/**
 * @param {import('../lib/context.mjs').BenchContext} ctx
 * @param {{ callDelayMs: number, sequentialCalls: number, concurrentCalls: number, warmupCalls: number, hostArgs?: string[] }} plan
 */
async function compare(ctx, plan) {
  const pair = await hostAndDirect(ctx, { callDelayMs: plan.callDelayMs, hostArgs: plan.hostArgs });
  try {
    const direct = [];
    const host = [];
    for (let index = 0; index < ctx.runs; index += 1) {
      const common = { concurrency: 32, ...plan };
      direct.push(await measureEndpoint(pair.directUrl, { tool: 'echo', ...common }));
      host.push(await measureEndpoint(pair.hostUrl, { tool: 'up.echo', ...common }));
      ctx.check(
        isDeepStrictEqual(host.at(-1)?.sampleResult, direct.at(-1)?.sampleResult),
        `a call through the host answered ${JSON.stringify(host.at(-1)?.sampleResult)}, directly ${JSON.stringify(direct.at(-1)?.sampleResult)}`,
      );
      const d = /** @type {import('../lib/targets.mjs').EndpointFigures} */ (direct.at(-1));
      const h = /** @type {import('../lib/targets.mjs').EndpointFigures} */ (host.at(-1));
      ctx.log(
        `delay ${plan.callDelayMs} ms run ${index + 1}: p50 direct ${d.sequential.p50.toFixed(2)} host ${h.sequential.p50.toFixed(2)} ms; ` +
          `c32 direct ${d.callsPerSecond.toFixed(0)}/s host ${h.callsPerSecond.toFixed(0)}/s; ` +
          `c32 p95 direct ${d.concurrent.p95.toFixed(1)} host ${h.concurrent.p95.toFixed(1)} ms`,
      );
    }
    return { direct, host };
  } finally {
    await pair.host.stop();
    await pair.upstream.stop();
  }
}

export default {
  id: '6',
  title: 'tool call through the host vs direct',
  /** @param {import('../lib/context.mjs').BenchContext} ctx */
  async run(ctx) {
    const fast = await compare(ctx, {
      callDelayMs: 0,
      warmupCalls: ctx.smoke ? 20 : 500,
      sequentialCalls: ctx.smoke ? 20 : 1000,
      concurrentCalls: ctx.smoke ? 64 : 4000,
    });
    const slowPlan = {
      callDelayMs: ctx.smoke ? 10 : 100,
      warmupCalls: ctx.smoke ? 4 : 64,
      sequentialCalls: ctx.smoke ? 4 : 20,
      concurrentCalls: ctx.smoke ? 64 : 960,
    };
    const slow = await compare(ctx, slowPlan);
    // The same with a pool as large as the client's concurrency: what the host itself adds, without the default
    // pool's 10 connections per HTTP/1.1 origin queueing calls 11 to 32.
    const slowWidePool = await compare(ctx, { ...slowPlan, hostArgs: ['--pool-connections', '32'] });
    /** @typedef {import('../lib/targets.mjs').EndpointFigures} F */
    const pick = (
      /** @type {F[]} */ list,
      /** @type {(entry: F) => number} */ get,
      /** @type {string} */ unit,
    ) => figure(list.map(get), unit);
    const rows = [];
    for (const [quantile, key] of /** @type {const} */ ([
      ['p50', 'p50'],
      ['p95', 'p95'],
      ['p99', 'p99'],
    ])) {
      const direct = pick(fast.direct, (entry) => entry.sequential[key], 'ms');
      const host = pick(fast.host, (entry) => entry.sequential[key], 'ms');
      const added = figure(
        fast.host.map(
          (entry, index) => entry.sequential[key] - (fast.direct[index]?.sequential[key] ?? Number.NaN),
        ),
        'ms',
      );
      rows.push({
        scenario: '6 tool call',
        metric: `sequential ${quantile} latency (baseline = direct); added ${added.median.toFixed(3)} ms (${added.min.toFixed(3)}–${added.max.toFixed(3)})`,
        baseline: direct,
        ours: host,
        ratio: host.median / direct.median,
        target: quantile === 'p50' ? 'added p50 ≤ 0.5 ms' : '',
        met: quantile === 'p50' && !ctx.smoke ? added.median <= 0.5 : null,
      });
    }
    const directRate = pick(fast.direct, (entry) => entry.callsPerSecond, 'calls/s');
    const hostRate = pick(fast.host, (entry) => entry.callsPerSecond, 'calls/s');
    const rateRatio = figure(
      fast.host.map(
        (entry, index) => entry.callsPerSecond / (fast.direct[index]?.callsPerSecond ?? Number.NaN),
      ),
      '',
    );
    rows.push({
      scenario: '6 tool call',
      metric: `throughput at concurrency 32 (baseline = direct); per-run ratio ${rateRatio.min.toFixed(2)}–${rateRatio.max.toFixed(2)}`,
      baseline: directRate,
      ours: hostRate,
      ratio: rateRatio.median,
      target: 'ratio ≥ 0.7',
      met: ctx.smoke ? null : rateRatio.median >= 0.7,
    });
    const slowDirect = pick(slow.direct, (entry) => entry.concurrent.p95, 'ms');
    const slowHost = pick(slow.host, (entry) => entry.concurrent.p95, 'ms');
    const slowRatio = slowHost.median / slowDirect.median;
    rows.push({
      scenario: '6 tool call',
      metric: `p95 latency at concurrency 32, upstream +${ctx.smoke ? 10 : 100} ms per call, default pool (10 connections per HTTP/1.1 origin)`,
      baseline: slowDirect,
      ours: slowHost,
      ratio: slowRatio,
      target: 'host adds ≤ 2 % at p95',
      met: ctx.smoke ? null : slowRatio <= 1.02,
    });
    const wideHost = pick(slowWidePool.host, (entry) => entry.concurrent.p95, 'ms');
    const wideDirect = pick(slowWidePool.direct, (entry) => entry.concurrent.p95, 'ms');
    const wideRatio = wideHost.median / wideDirect.median;
    rows.push({
      scenario: '6 tool call',
      metric: `p95 latency at concurrency 32, upstream +${ctx.smoke ? 10 : 100} ms per call, host with --pool-connections 32`,
      baseline: wideDirect,
      ours: wideHost,
      ratio: wideRatio,
      target: 'host adds ≤ 2 % at p95',
      met: ctx.smoke ? null : wideRatio <= 1.02,
    });
    rows.push({
      scenario: '6 tool call',
      metric: `throughput at concurrency 32, upstream +${ctx.smoke ? 10 : 100} ms per call (baseline = direct)`,
      baseline: pick(slow.direct, (entry) => entry.callsPerSecond, 'calls/s'),
      ours: pick(slow.host, (entry) => entry.callsPerSecond, 'calls/s'),
      ratio:
        pick(slow.host, (entry) => entry.callsPerSecond, '').median /
        pick(slow.direct, (entry) => entry.callsPerSecond, '').median,
      target: '',
      met: null,
    });
    return rows;
  },
};
