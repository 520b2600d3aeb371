// Scenario 10 — a fleet of N = 1, 2, 4, 8 real `mcp-host serve` processes on one counting map server and 10 farm
// connectors, each N twice: every host alone (baseline) and all of them on one real redis-server (MCP_REDIS_URL).
// The map server signs a new map on every request, valid for one refresh interval, so a host needs one fetch per
// interval; the farm counts `initialize` handshakes (hydrations). Per interval: map fetches and hydrations. Per N:
// the join of the Nth host into the settled fleet (its hydrations, and how soon it lists every tool). Last: hosts
// that had to be killed on stop. Correctness (also in smoke mode): every host serves the same tools; smoke mode
// also checks that 2 hosts on Redis fetch the map at most once per interval (plus one).
// One pass per configuration whatever --runs says: the spread is over intervals (the full run stays under ~2 min).
import {
  countPerInterval,
  hostToken,
  joinFleet,
  listToolNames,
  STOP_GRACE_MS,
  startFleetHost,
  stopFleetHosts,
  waitForConnected,
  waitForFullListing,
} from '../lib/fleet-hosts.mjs';
import { startFleetMapServer } from '../lib/fleet-map-server.mjs';
import { startRedis } from '../lib/fleet-redis.mjs';
import { newSignatureKey } from '../lib/service-map.mjs';
import { figure } from '../lib/stats.mjs';
import { startUpstreamFarm } from '../lib/upstream.mjs';

/** The host's smallest refresh interval (MCP_CONNECTOR_REFRESH_INTERVAL_MS ≥ 1000). */
const INTERVAL_MS = 1000;
const CONNECTORS = 10;
const TOOLS_PER_CONNECTOR = 10;

/**
 * @typedef {object} FleetConfig
 * @property {number} hostCount
 * @property {string | undefined} redisUrl
 * @property {number} intervals
 * @property {import('../lib/fleet-map-server.mjs').FleetMapServer} map
 * @property {import('../lib/upstream.mjs').UpstreamFarm} farm
 * @property {string} signatureKey
 */

/**
 * One configuration: N-1 hosts start together and settle, the Nth joins, then `intervals` intervals are counted;
 * then every host is stopped (SIGTERM) and those that had to be killed are counted.
 * @param {import('../lib/context.mjs').BenchContext} ctx
 * @param {FleetConfig} config
 */
async function runFleet(ctx, config) {
  /** @type {import('../lib/fleet-hosts.mjs').HostProcess[]} */
  const hosts = [];
  try {
    const outcome = await measureFleet(ctx, config, hosts);
    const killed = await stopFleetHosts(hosts);
    if (killed > 0) ctx.log(`  ${killed} host(s) did not exit within ${STOP_GRACE_MS} ms of SIGTERM`);
    return { ...outcome, killed };
  } finally {
    await stopFleetHosts(hosts); // after a failure; a no-op for hosts already stopped
  }
}

/**
 * @param {import('../lib/context.mjs').BenchContext} ctx
 * @param {FleetConfig} config
 * @param {import('../lib/fleet-hosts.mjs').HostProcess[]} hosts every host started is pushed here
 */
async function measureFleet(ctx, config, hosts) {
  const { hostCount, map, farm } = config;
  const mode = config.redisUrl ? 'redis' : 'alone';
  const setup = {
    mapUrl: map.url,
    signatureKey: config.signatureKey,
    intervalMs: INTERVAL_MS,
    redisUrl: config.redisUrl,
    keyPrefix: `bench-fleet-${process.pid}-${hostCount}-${mode}:`,
    tmpDir: ctx.tmpDir,
  };
  const expected = CONNECTORS * TOOLS_PER_CONNECTOR;
  const read = () => ({ fetches: map.stats.fetches, hydrations: farm.stats.initializations });
  const start = read();
  const first = await Promise.all(
    Array.from({ length: hostCount - 1 }, async (_, index) => {
      const host = await startFleetHost(setup, index);
      hosts.push(host);
      return host;
    }),
  );
  // Settled: every tool listed and every connector connected live (with Redis a host lists the shared catalogue
  // before it connects), so the join window counts the new host's hydrations only.
  await Promise.all(
    first.map(async (host) => {
      await waitForFullListing(host.url, expected);
      await waitForConnected(host.url, CONNECTORS);
    }),
  );
  const join = await joinFleet(setup, hostCount - 1, { expected, connectorCount: CONNECTORS, hosts, read });
  const joinerFetches = map.fetchesBy(hostToken(setup, hostCount - 1));
  const perInterval = await countPerInterval(config.intervals, INTERVAL_MS, read);
  const listings = await Promise.all(hosts.map((host) => listToolNames(host.url)));
  const end = read();
  const total = { fetches: end.fetches - start.fetches, hydrations: end.hydrations - start.hydrations };
  const perHost = Array.from({ length: hostCount }, (_, index) => map.fetchesBy(hostToken(setup, index)));
  ctx.log(
    `${hostCount} host(s), ${mode}: fetches per interval [${perInterval.map((entry) => entry.fetches).join(' ')}], ` +
      `hydrations per interval [${perInterval.map((entry) => entry.hydrations).join(' ')}]; join: ` +
      `${join.counted.hydrations} hydrations, ${joinerFetches} own fetch(es), first listing ${join.firstListing} tools, ` +
      `full listing after ${join.fullListingMs.toFixed(0)} ms; fetches by host over the run [${perHost.join(' ')}]; ` +
      `totals ${JSON.stringify(total)}`,
  );
  return { perInterval, join, joinerFetches, listings, total, expected };
}

/**
 * @param {import('../lib/context.mjs').BenchContext} ctx
 * @param {Awaited<ReturnType<typeof runFleet>>} outcome
 * @param {string} label
 */
function checkSameTools(ctx, outcome, label) {
  const reference = outcome.listings[0] ?? [];
  ctx.check(
    reference.length === outcome.expected,
    `${label}: a host lists ${reference.length} tools, expected ${outcome.expected}`,
  );
  ctx.check(
    outcome.listings.every((names) => names.join('\n') === reference.join('\n')),
    `${label}: the hosts do not all serve the same tools`,
  );
}

/**
 * The rows for one N.
 * @param {number} hostCount
 * @param {number} intervals
 * @param {Awaited<ReturnType<typeof runFleet>>} alone
 * @param {Awaited<ReturnType<typeof runFleet>>} shared
 * @returns {import('../lib/table.mjs').ResultRow[]}
 */
function rowsFor(hostCount, intervals, alone, shared) {
  const scenario = '10 fleet';
  const hosts = `${hostCount} host${hostCount === 1 ? '' : 's'}`;
  const per = (/** @type {typeof alone} */ outcome, /** @type {'fetches' | 'hydrations'} */ key) =>
    figure(
      outcome.perInterval.map((entry) => entry[key]),
      key,
    );
  const fetches = { alone: per(alone, 'fetches'), shared: per(shared, 'fetches') };
  const sharedFetchTotal = shared.perInterval.reduce((sum, entry) => sum + entry.fetches, 0);
  const aloneFetchTotal = alone.perInterval.reduce((sum, entry) => sum + entry.fetches, 0);
  const hydrations = { alone: per(alone, 'hydrations'), shared: per(shared, 'hydrations') };
  const joinHydrations = (/** @type {typeof alone} */ outcome) =>
    figure([outcome.join.counted.hydrations], 'hydrations');
  const fullListing = (/** @type {typeof alone} */ outcome) => figure([outcome.join.fullListingMs], 'ms');
  const nth = hostCount === 1 ? 'the 1st host starts' : `the ${ordinal(hostCount)} host joins`;
  return [
    {
      scenario,
      metric: `${hosts}: map fetches per ${INTERVAL_MS} ms refresh interval over ${intervals} intervals (${aloneFetchTotal} vs ${sharedFetchTotal}); baseline = each host alone, ours = one Redis`,
      baseline: fetches.alone,
      ours: fetches.shared,
      ratio: fetches.alone.median > 0 ? fetches.shared.median / fetches.alone.median : null,
      target: 'Redis: ≤ 1 per interval',
      met: sharedFetchTotal <= intervals + 1,
    },
    {
      scenario,
      metric: `${hosts}: connector hydrations per interval after the join (${CONNECTORS} connectors; each host holds its own connections; fleet total ${alone.total.hydrations} vs ${shared.total.hydrations})`,
      baseline: hydrations.alone,
      ours: hydrations.shared,
      ratio: null,
      target: '0 both ways',
      met: hydrations.alone.max === 0 && hydrations.shared.max === 0,
    },
    {
      scenario,
      metric: `cold start, ${nth}: hydrations from its spawn until its connectors are up and live (≥ 1 interval; its own map fetches ${alone.joinerFetches} vs ${shared.joinerFetches})`,
      baseline: joinHydrations(alone),
      ours: joinHydrations(shared),
      ratio: null,
      target: '',
      met: null,
    },
    {
      scenario,
      metric: `cold start, ${nth}: spawn → full tools/list (${alone.expected} tools; at its first listing: ${alone.join.firstListing} vs ${shared.join.firstListing})`,
      baseline: fullListing(alone),
      ours: fullListing(shared),
      ratio: fullListing(shared).median / fullListing(alone).median,
      target: hostCount > 1 ? 'Redis: every tool at the first listing' : '',
      met: hostCount > 1 ? shared.join.firstListing === shared.expected : null,
    },
  ];
}

/** 1st, 2nd, 3rd, 4th… (the host counts here are small). */
function ordinal(/** @type {number} */ value) {
  return `${value}${{ 1: 'st', 2: 'nd', 3: 'rd' }[value] ?? 'th'}`;
}

export default {
  id: '10',
  title: 'fleet: N hosts, with and without Redis',
  /** @param {import('../lib/context.mjs').BenchContext} ctx */
  async run(ctx) {
    const hostCounts = ctx.smoke ? [1, 2] : [1, 2, 4, 8];
    const intervals = ctx.smoke ? 3 : 8;
    const farm = await startUpstreamFarm({
      connectorCount: CONNECTORS,
      toolsPerConnector: TOOLS_PER_CONNECTOR,
      // A realistic connect latency, so serving the shared catalogue before connecting shows.
      initializeDelayMs: ctx.smoke ? 20 : 100,
    });
    const signatureKey = newSignatureKey();
    const connectors = Array.from({ length: CONNECTORS }, (_, index) => ({
      id: farm.connectorId(index),
      endpoint: farm.connectorUrl(index),
    }));
    const map = await startFleetMapServer({ connectors, signatureKey, ttlSeconds: INTERVAL_MS / 1000 });
    /** @type {Awaited<ReturnType<typeof startRedis>> | undefined} */
    let redis;
    try {
      redis = await startRedis();
      /** @type {import('../lib/table.mjs').ResultRow[]} */
      const rows = [];
      const killed = { alone: 0, shared: 0 };
      for (const hostCount of hostCounts) {
        const common = { hostCount, intervals, map, farm, signatureKey };
        const alone = await runFleet(ctx, { ...common, redisUrl: undefined });
        checkSameTools(ctx, alone, `${hostCount} host(s) alone`);
        const shared = await runFleet(ctx, { ...common, redisUrl: redis.url });
        checkSameTools(ctx, shared, `${hostCount} host(s) on Redis`);
        const sharedFetches = shared.perInterval.reduce((sum, entry) => sum + entry.fetches, 0);
        if (ctx.smoke && hostCount === 2) {
          ctx.check(
            sharedFetches <= intervals + 1,
            `2 hosts on one Redis fetched the map ${sharedFetches} times in ${intervals} intervals (at most ${intervals + 1} expected)`,
          );
        }
        rows.push(...rowsFor(hostCount, intervals, alone, shared));
        killed.alone += alone.killed;
        killed.shared += shared.killed;
      }
      const hostsPerMode = hostCounts.reduce((sum, count) => sum + count, 0);
      rows.push({
        scenario: '10 fleet',
        metric: `hosts that did not exit within ${STOP_GRACE_MS / 1000} s of SIGTERM and were killed (of ${hostsPerMode} per mode, every N)`,
        baseline: figure([killed.alone], 'hosts'),
        ours: figure([killed.shared], 'hosts'),
        ratio: null,
        target: '0 both ways',
        met: killed.alone === 0 && killed.shared === 0,
      });
      return rows;
    } finally {
      await redis?.stop();
      await map.close();
      await farm.close();
    }
  },
};
