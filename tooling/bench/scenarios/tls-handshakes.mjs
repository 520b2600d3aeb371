// Scenario 4 — TLS handshakes per sync, counted by the HTTPS upstream ('secureConnection' events). The map and the
// connectors share one origin, which offers HTTP/2 and HTTP/1.1 by ALPN like most TLS front ends. Baseline: a new
// pool per connector, concurrency 1. Ours: the shared pool, p-limit(4). Then a warm refresh (map unchanged → 304,
// no reconnect). The same again against an HTTP/1.1-only upstream, for reference. The host runs in a child process
// that trusts the bench's certificate through NODE_EXTRA_CA_CERTS.
import path from 'node:path';
import { repeat } from '../lib/context.mjs';
import { SYNC_MODES } from '../lib/manager.mjs';
import { BENCH_DIR, forkWorker } from '../lib/processes.mjs';
import { newSignatureKey, signedMapText } from '../lib/service-map.mjs';
import { figure } from '../lib/stats.mjs';
import { startUpstreamFarm } from '../lib/upstream.mjs';

const WORKER = path.join(BENCH_DIR, 'lib', 'sync-worker.mjs');

export default {
  id: '4',
  title: 'TLS handshakes per sync',
  /** @param {import('../lib/context.mjs').BenchContext} ctx */
  async run(ctx) {
    const connectorCount = 10;
    const toolsPerConnector = 5;
    const certificate = ctx.certificate();
    const farm = await startUpstreamFarm({
      connectorCount,
      toolsPerConnector,
      tls: certificate,
      http2: true,
    });
    const h1Farm = await startUpstreamFarm({ connectorCount, toolsPerConnector, tls: certificate });
    const signatureKey = newSignatureKey();
    const connectors = Array.from({ length: connectorCount }, (_, index) => ({
      id: farm.connectorId(index),
      endpoint: farm.connectorUrl(index),
    }));
    farm.publishMap(signedMapText(connectors, signatureKey));
    h1Farm.publishMap(
      signedMapText(
        connectors.map((connector, index) => ({ ...connector, endpoint: h1Farm.connectorUrl(index) })),
        signatureKey,
      ),
    );
    const origins = 1;

    /**
     * @param {{ concurrency: number, perConnectorAgent: boolean }} mode
     * @param {typeof farm} [upstream]
     */
    const measure = async (mode, upstream = farm) => {
      const worker = forkWorker(WORKER, { env: { NODE_EXTRA_CA_CERTS: certificate.certPath } });
      try {
        const before = { ...upstream.stats };
        const started = await worker.request({
          cmd: 'start',
          options: { serviceMapUrl: upstream.mapUrl, signatureKey, ...mode },
        });
        ctx.check(
          started.toolCount === connectorCount * toolsPerConnector,
          `HTTPS sync listed ${started.toolCount} tools, expected ${connectorCount * toolsPerConnector}`,
        );
        const afterSync = { ...upstream.stats };
        const refreshed = await worker.request({ cmd: 'refresh' });
        const afterRefresh = { ...upstream.stats };
        ctx.check(
          afterRefresh.initializations === afterSync.initializations,
          'a warm refresh reconnected a connector',
        );
        ctx.check(refreshed.toolCount === started.toolCount, 'a warm refresh changed the tool count');
        return {
          sync: afterSync.tlsHandshakes - before.tlsHandshakes,
          syncStreams: afterSync.tlsHandshakesForStreams - before.tlsHandshakesForStreams,
          refresh: afterRefresh.tlsHandshakes - afterSync.tlsHandshakes,
        };
      } finally {
        await worker.stop();
      }
    };

    try {
      /** @type {Awaited<ReturnType<typeof measure>>[]} */
      const baseline = [];
      /** @type {Awaited<ReturnType<typeof measure>>[]} */
      const ours = [];
      /** @type {Awaited<ReturnType<typeof measure>>[]} */
      const h1Baseline = [];
      /** @type {Awaited<ReturnType<typeof measure>>[]} */
      const h1Ours = [];
      await repeat(ctx.runs, async (index) => {
        baseline.push(await measure(SYNC_MODES.sequential));
        ours.push(await measure(SYNC_MODES.ours));
        h1Baseline.push(await measure(SYNC_MODES.sequential, h1Farm));
        h1Ours.push(await measure(SYNC_MODES.ours, h1Farm));
        ctx.log(
          `run ${index + 1}: h2 upstream baseline ${JSON.stringify(baseline.at(-1))}, ours ${JSON.stringify(ours.at(-1))}; ` +
            `HTTP/1.1-only upstream baseline ${JSON.stringify(h1Baseline.at(-1))}, ours ${JSON.stringify(h1Ours.at(-1))}`,
        );
      });
      const total = (/** @type {typeof baseline} */ list) =>
        figure(
          list.map((entry) => entry.sync),
          'handshakes',
        );
      const requests = (/** @type {typeof baseline} */ list) =>
        figure(
          list.map((entry) => entry.sync - entry.syncStreams),
          'handshakes',
        );
      const streams = (/** @type {typeof baseline} */ list) =>
        figure(
          list.map((entry) => entry.syncStreams),
          'handshakes',
        );
      const oursTotal = total(ours);
      const oursRefresh = figure(
        ours.map((entry) => entry.refresh),
        'handshakes',
      );
      return [
        {
          scenario: '4 TLS',
          metric: `handshakes per cold sync, ${connectorCount} connectors + map on ${origins} origin offering h2 (all sockets, event streams included)`,
          baseline: total(baseline),
          ours: oursTotal,
          ratio: oursTotal.median / total(baseline).median,
          target: `ours = origins (${origins})`,
          met: ctx.smoke ? null : oursTotal.median <= origins,
        },
        {
          scenario: '4 TLS',
          metric:
            'HTTP/1.1-only upstream: handshakes per cold sync on request/response sockets (shared pool)',
          baseline: requests(h1Baseline),
          ours: requests(h1Ours),
          ratio: requests(h1Ours).median / requests(h1Baseline).median,
          target: '',
          met: null,
        },
        {
          scenario: '4 TLS',
          metric:
            'HTTP/1.1-only upstream: handshakes per cold sync on event-stream sockets (one per connector)',
          baseline: streams(h1Baseline),
          ours: streams(h1Ours),
          ratio: null,
          target: '',
          met: null,
        },
        {
          scenario: '4 TLS',
          metric: 'handshakes per warm refresh (map 304, no reconnect)',
          baseline: figure(
            baseline.map((entry) => entry.refresh),
            'handshakes',
          ),
          ours: oursRefresh,
          ratio: null,
          target: 'ours = 0',
          met: ctx.smoke ? null : oursRefresh.median === 0,
        },
      ];
    } finally {
      await farm.close();
      await h1Farm.close();
    }
  },
};
