// Scenario 3 — scaling: 10, 50 and 200 connectors × 20 tools (no injected latency). Sync time and the RSS of the
// host process after the sync (a child process running the manager; process.memoryUsage().rss after a GC).
import path from 'node:path';
import { SYNC_MODES } from '../lib/manager.mjs';
import { BENCH_DIR, forkWorker } from '../lib/processes.mjs';
import { newSignatureKey, signedMapText } from '../lib/service-map.mjs';
import { figure } from '../lib/stats.mjs';
import { startUpstreamFarm } from '../lib/upstream.mjs';

const WORKER = path.join(BENCH_DIR, 'lib', 'sync-worker.mjs');
const MB = 1024 * 1024;

export default {
  id: '3',
  title: 'scaling curve',
  /** @param {import('../lib/context.mjs').BenchContext} ctx */
  async run(ctx) {
    const sizes = ctx.smoke ? [3, 10] : [10, 50, 200];
    const toolsPerConnector = 20;
    const largest = Math.max(...sizes);
    const farm = await startUpstreamFarm({ connectorCount: largest, toolsPerConnector });
    const signatureKey = newSignatureKey();
    const rows = [];
    try {
      for (const size of sizes) {
        const connectors = Array.from({ length: size }, (_, index) => ({
          id: farm.connectorId(index),
          endpoint: farm.connectorUrl(index),
        }));
        farm.publishMap(signedMapText(connectors, signatureKey));
        const times = [];
        const rss = [];
        for (let run = 0; run < ctx.runs; run += 1) {
          const worker = forkWorker(WORKER, { execArgv: ['--expose-gc'] });
          try {
            const started = await worker.request({
              cmd: 'start',
              options: { serviceMapUrl: farm.mapUrl, signatureKey, ...SYNC_MODES.ours },
            });
            ctx.check(
              started.toolCount === size * toolsPerConnector,
              `${size} connectors: sync listed ${started.toolCount} tools, expected ${size * toolsPerConnector}`,
            );
            const call = await worker.request({
              cmd: 'call',
              tool: `${farm.connectorId(size - 1)}.echo`,
              args: { text: 'x' },
            });
            ctx.check(
              call.result?.content?.[0]?.text === `${farm.connectorId(size - 1)}: x`,
              `a call after a ${size}-connector sync answered ${JSON.stringify(call.result)}`,
            );
            times.push(started.durationMs);
            rss.push(started.rssBytes / MB);
            ctx.log(
              `${size} connectors run ${run + 1}: sync ${started.durationMs.toFixed(0)} ms, RSS ${(started.rssBytes / MB).toFixed(1)} MB`,
            );
          } finally {
            await worker.stop();
          }
        }
        const rssFigure = figure(rss, 'MB');
        rows.push(
          {
            scenario: '3 scaling',
            metric: `${size} connectors × ${toolsPerConnector} tools: sync time`,
            baseline: null,
            ours: figure(times, 'ms'),
            ratio: null,
            target: '',
            met: null,
          },
          {
            scenario: '3 scaling',
            metric: `${size} connectors × ${toolsPerConnector} tools: host RSS after sync`,
            baseline: null,
            ours: rssFigure,
            ratio: null,
            target: size === 200 ? 'RSS ≤ 200 MB' : '',
            met: size === 200 && !ctx.smoke ? rssFigure.median <= 200 : null,
          },
        );
      }
      return rows;
    } finally {
      await farm.close();
    }
  },
};
