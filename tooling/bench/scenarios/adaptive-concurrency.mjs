// Scenario 2 — adaptive concurrency: the same cold sync as scenario 1 under the default fixed p-limit(4) and under
// the adaptive limiter (starts at 4, doubles while connects wait on the network, halves on congestion or CPU
// pressure, ceiling MCP_CONNECTOR_CONCURRENCY_MAX = 128), as multiples of one connector's connect latency. Each
// connector is a server of its own (its own origin), as distinct MCP servers are; the upstreams run in a process of
// their own so their work does not eat into the host's CPU.
import path from 'node:path';
import { repeat } from '../lib/context.mjs';
import { SYNC_MODES } from '../lib/manager.mjs';
import { BENCH_DIR, forkWorker } from '../lib/processes.mjs';
import { newSignatureKey, signedMapText } from '../lib/service-map.mjs';
import { figure, ratio } from '../lib/stats.mjs';
import { startUpstreamFarm } from '../lib/upstream.mjs';
import { coldSync } from './cold-start-sync.mjs';

const UPSTREAM = path.join(BENCH_DIR, 'lib', 'upstream-process.mjs');

/**
 * @param {import('../lib/context.mjs').BenchContext} ctx
 * @param {number} connectorCount
 * @param {number} initializeDelayMs
 * @param {number} targetMultiple
 */
async function compare(ctx, connectorCount, initializeDelayMs, targetMultiple) {
  const toolsPerConnector = 2;
  const upstreams = forkWorker(UPSTREAM);
  // The map is served from the bench process; only the connectors live in the upstream process.
  const mapServer = await startUpstreamFarm({ connectorCount: 0 });
  const signatureKey = newSignatureKey();
  try {
    const { urls } = await upstreams.request({
      cmd: 'start',
      options: { connectorCount, toolsPerConnector, initializeDelayMs, origins: connectorCount },
    });
    const connectors = urls.map((/** @type {string} */ endpoint, /** @type {number} */ index) => ({
      id: `c${index}`,
      endpoint,
    }));
    mapServer.publishMap(signedMapText(connectors, signatureKey));
    const setup = { farm: mapServer, signatureKey, connectorCount, toolsPerConnector };
    const fixed = [];
    const adaptive = [];
    await repeat(ctx.runs, async (index) => {
      fixed.push(await coldSync(ctx, setup, SYNC_MODES.ours));
      adaptive.push(await coldSync(ctx, setup, SYNC_MODES.adaptive));
      ctx.log(
        `${connectorCount} × ${initializeDelayMs} ms run ${index + 1}: fixed ${fixed.at(-1)?.toFixed(0)} ms, adaptive ${adaptive.at(-1)?.toFixed(0)} ms`,
      );
    });
    const fixedFigure = figure(fixed, 'ms');
    const adaptiveFigure = figure(adaptive, 'ms');
    const multiple = adaptiveFigure.median / initializeDelayMs;
    return {
      scenario: '2 adaptive concurrency',
      metric: `${connectorCount} × ${initializeDelayMs} ms (one origin each): sync time, adaptive vs fixed p-limit(4) (${multiple.toFixed(2)} × one latency)`,
      baseline: fixedFigure,
      ours: adaptiveFigure,
      ratio: ratio(adaptiveFigure.median, fixedFigure.median),
      target: `≤ ${targetMultiple} × one latency`,
      met: ctx.smoke ? null : multiple <= targetMultiple,
    };
  } finally {
    await mapServer.close();
    await upstreams.stop();
  }
}

export default {
  id: '2',
  title: 'adaptive concurrency',
  /** @param {import('../lib/context.mjs').BenchContext} ctx */
  async run(ctx) {
    const latencyMs = ctx.smoke ? 20 : 500;
    const rows = [await compare(ctx, 10, latencyMs, 1.2)];
    if (!ctx.smoke) rows.push(await compare(ctx, 200, latencyMs, 4));
    return rows;
  },
};
