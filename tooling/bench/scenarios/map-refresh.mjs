// Scenario 5 — refresh of an unchanged map: with ETag / If-None-Match (a 304, no body, no verification) against a
// full download and signature verification of the same map. Bytes on the wire and time per refresh; in both cases
// no connector may reconnect and the registry must not change.
import { createBenchManager, SYNC_MODES } from '../lib/manager.mjs';
import { newSignatureKey, signedMapText } from '../lib/service-map.mjs';
import { figure, summarize } from '../lib/stats.mjs';
import { startUpstreamFarm } from '../lib/upstream.mjs';

export default {
  id: '5',
  title: 'refresh of an unchanged map',
  /** @param {import('../lib/context.mjs').BenchContext} ctx */
  async run(ctx) {
    const enabledCount = ctx.smoke ? 3 : 20;
    const mapEntries = ctx.smoke ? 20 : 500;
    const refreshesPerRun = ctx.smoke ? 3 : 30;
    const farm = await startUpstreamFarm({ connectorCount: enabledCount, toolsPerConnector: 5 });
    const signatureKey = newSignatureKey();
    // A realistic map: a few enabled connectors among many disabled entries (a tenant's catalogue).
    const connectors = Array.from({ length: mapEntries }, (_, index) => ({
      id: farm.connectorId(index),
      endpoint: farm.connectorUrl(index),
      enabled: index < enabledCount,
    }));
    const mapText = signedMapText(connectors, signatureKey);
    farm.publishMap(mapText);
    const run = createBenchManager({ serviceMapUrl: farm.mapUrl, signatureKey, ...SYNC_MODES.ours });
    try {
      await run.manager.start();
      ctx.check(run.registry.listTools().length === enabledCount * 5, 'the first sync missed tools');

      /** @param {boolean} etagEnabled */
      const refreshes = async (etagEnabled) => {
        farm.setMapEtag(etagEnabled);
        await run.manager.refresh('warm-up');
        const before = { ...farm.stats, registryVersion: run.registry.version };
        const times = [];
        for (let index = 0; index < refreshesPerRun; index += 1) {
          const startedAt = performance.now();
          await run.manager.refresh('bench');
          times.push(performance.now() - startedAt);
        }
        const after = farm.stats;
        const label = etagEnabled ? 'ETag' : 'full download';
        ctx.check(
          after.initializations === before.initializations,
          `${label} refreshes reconnected a connector`,
        );
        ctx.check(run.registry.version === before.registryVersion, `${label} refreshes changed the registry`);
        ctx.check(
          after.mapRequests - before.mapRequests === refreshesPerRun,
          `${label}: one map request per refresh`,
        );
        const notModified = after.mapNotModified - before.mapNotModified;
        ctx.check(
          etagEnabled ? notModified === refreshesPerRun : notModified === 0,
          `${label}: ${notModified} of ${refreshesPerRun} refreshes were 304s`,
        );
        return {
          timeMs: summarize(times).median,
          bytesPerRefresh: (after.mapBytes - before.mapBytes) / refreshesPerRun,
          reconnects: after.initializations - before.initializations,
          registryChanges: run.registry.version - before.registryVersion,
        };
      };

      const full = [];
      const etag = [];
      for (let index = 0; index < ctx.runs; index += 1) {
        full.push(await refreshes(false));
        etag.push(await refreshes(true));
        ctx.log(`run ${index + 1}: full ${JSON.stringify(full.at(-1))}, etag ${JSON.stringify(etag.at(-1))}`);
      }
      const time = (/** @type {typeof full} */ list) =>
        figure(
          list.map((entry) => entry.timeMs),
          'ms',
        );
      const bytes = (/** @type {typeof full} */ list) =>
        figure(
          list.map((entry) => entry.bytesPerRefresh),
          'B',
        );
      const churn = (/** @type {typeof full} */ list) =>
        figure(
          list.map((entry) => entry.reconnects + entry.registryChanges),
          '',
        );
      const kib = (mapText.length / 1024).toFixed(0);
      return [
        {
          scenario: '5 map refresh',
          metric: `bytes per refresh, unchanged ${kib} KiB map (${mapEntries} entries); baseline = full download`,
          baseline: bytes(full),
          ours: bytes(etag),
          ratio: bytes(etag).median / bytes(full).median,
          target: '',
          met: null,
        },
        {
          scenario: '5 map refresh',
          metric: 'time per refresh (median of each run), full download+verify vs 304',
          baseline: time(full),
          ours: time(etag),
          ratio: time(etag).median / time(full).median,
          target: '',
          met: null,
        },
        {
          scenario: '5 map refresh',
          metric: 'reconnects + registry changes over all refreshes',
          baseline: churn(full),
          ours: churn(etag),
          ratio: null,
          target: '0 both ways',
          met: churn(full).max === 0 && churn(etag).max === 0,
        },
      ];
    } finally {
      await run.dispose();
      await farm.close();
    }
  },
};
