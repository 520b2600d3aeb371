// Scenario 2 — adaptive concurrency: the same cold sync as scenario 1 under the default fixed p-limit(4) and under
// the adaptive limiter (starts at 4, doubles while connects wait on the network, halves on congestion or CPU
// pressure, ceiling MCP_CONNECTOR_CONCURRENCY_MAX = 64), as multiples of one connector's connect latency.
import { repeat } from '../lib/context.mjs';
import { SYNC_MODES } from '../lib/manager.mjs';
import { newSignatureKey, signedMapText } from '../lib/service-map.mjs';
import { figure, ratio } from '../lib/stats.mjs';
import { startUpstreamFarm } from '../lib/upstream.mjs';
import { coldSync } from './cold-start-sync.mjs';

/**
 * @param {import('../lib/context.mjs').BenchContext} ctx
 * @param {number} connectorCount
 * @param {number} initializeDelayMs
 * @param {number} targetMultiple
 */
async function compare(ctx, connectorCount, initializeDelayMs, targetMultiple) {
  const toolsPerConnector = 2;
  const farm = await startUpstreamFarm({ connectorCount, toolsPerConnector, initializeDelayMs });
  const signatureKey = newSignatureKey();
  try {
    const connectors = Array.from({ length: connectorCount }, (_, index) => ({
      id: farm.connectorId(index),
      endpoint: farm.connectorUrl(index),
    }));
    farm.publishMap(signedMapText(connectors, signatureKey));
    const setup = { farm, signatureKey, connectorCount, toolsPerConnector };
    const fixed = [];
    const adaptive = [];
    await repeat(ctx.runs, async () => {
      fixed.push(await coldSync(ctx, setup, SYNC_MODES.ours));
      adaptive.push(await coldSync(ctx, setup, SYNC_MODES.adaptive));
    });
    const fixedFigure = figure(fixed, 'ms');
    const adaptiveFigure = figure(adaptive, 'ms');
    const multiple = adaptiveFigure.median / initializeDelayMs;
    return {
      scenario: '2 adaptive concurrency',
      metric: `${connectorCount} × ${initializeDelayMs} ms: sync time, adaptive vs fixed p-limit(4) (${multiple.toFixed(2)} × one latency)`,
      baseline: fixedFigure,
      ours: adaptiveFigure,
      ratio: ratio(adaptiveFigure.median, fixedFigure.median),
      target: `≤ ${targetMultiple} × one latency`,
      met: ctx.smoke ? null : multiple <= targetMultiple,
      note: 'one upstream origin: the shared pool allows 10 connections to it, which caps any limiter at 10',
    };
  } finally {
    await farm.close();
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
