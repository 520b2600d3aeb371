// Scenario 1 — cold-start sync: N connectors, each answering `initialize` after a fixed delay. The seed's
// "sequential" baseline (concurrency 1, a new connection pool per connector) against the default (p-limit(4),
// one shared Agent), same code, same run.
import { repeat } from '../lib/context.mjs';
import { createBenchManager, SYNC_MODES } from '../lib/manager.mjs';
import { newSignatureKey, signedMapText } from '../lib/service-map.mjs';
import { figure, ratio } from '../lib/stats.mjs';
import { startUpstreamFarm } from '../lib/upstream.mjs';

/**
 * One cold sync (fresh state dir) in a mode; returns its duration in ms after checking every tool is listed.
 * @param {import('../lib/context.mjs').BenchContext} ctx
 * @param {{ farm: import('../lib/upstream.mjs').UpstreamFarm, signatureKey: string, connectorCount: number, toolsPerConnector: number }} setup
 * @param {{ concurrency: number, perConnectorAgent: boolean }} mode
 */
export async function coldSync(ctx, setup, mode) {
  const run = createBenchManager({
    serviceMapUrl: setup.farm.mapUrl,
    signatureKey: setup.signatureKey,
    ...mode,
  });
  try {
    const startedAt = performance.now();
    await run.manager.start();
    const durationMs = performance.now() - startedAt;
    const listed = run.registry.listTools().length;
    ctx.check(
      listed === setup.connectorCount * setup.toolsPerConnector,
      `cold sync listed ${listed} tools, expected ${setup.connectorCount * setup.toolsPerConnector}`,
    );
    return durationMs;
  } finally {
    await run.dispose();
  }
}

export default {
  id: '1',
  title: 'cold-start sync',
  /** @param {import('../lib/context.mjs').BenchContext} ctx */
  async run(ctx) {
    const connectorCount = 10;
    const initializeDelayMs = ctx.smoke ? 20 : 500;
    const toolsPerConnector = 5;
    const farm = await startUpstreamFarm({ connectorCount, toolsPerConnector, initializeDelayMs });
    const signatureKey = newSignatureKey();
    try {
      const connectors = Array.from({ length: connectorCount }, (_, index) => ({
        id: farm.connectorId(index),
        endpoint: farm.connectorUrl(index),
      }));
      farm.publishMap(signedMapText(connectors, signatureKey));
      const setup = { farm, signatureKey, connectorCount, toolsPerConnector };
      // Interleaved, so drift on a shared machine hits both alike.
      const baseline = [];
      const ours = [];
      await repeat(ctx.runs, async (index) => {
        baseline.push(await coldSync(ctx, setup, SYNC_MODES.sequential));
        ours.push(await coldSync(ctx, setup, SYNC_MODES.ours));
        ctx.log(
          `run ${index + 1}: sequential ${baseline.at(-1)?.toFixed(0)} ms, ours ${ours.at(-1)?.toFixed(0)} ms`,
        );
      });
      const baselineFigure = figure(baseline, 'ms');
      const oursFigure = figure(ours, 'ms');
      const syncRatio = ratio(oursFigure.median, baselineFigure.median);
      return [
        {
          scenario: '1 cold-start sync',
          metric: `${connectorCount} connectors × ${initializeDelayMs} ms connect: sync time`,
          baseline: baselineFigure,
          ours: oursFigure,
          ratio: syncRatio,
          target: 'ratio ≤ 0.32',
          met: ctx.smoke ? null : syncRatio <= 0.32,
        },
      ];
    } finally {
      await farm.close();
    }
  },
};
