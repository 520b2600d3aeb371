// Issue 7, acceptance with real processes: `mcp-host serve` children on a real redis-server behave as one fleet —
// one map fetch per refresh interval, a leader killed mid-refresh is replaced within one lease period, a Redis
// outage is survived and healed without restarts, a tampered value in Redis is rejected by every host.
//
// Two fleets, each with its own redis-server and counting map server, so the slow parts overlap: the four-host
// fleet's 20 measured intervals (the smallest interval the configuration accepts is 1 s) run in the background
// from `beforeAll` while the three-host fleet goes through the leader kill, the Redis outage and the tampered
// value in order (the kill leaves two hosts for the outage). The four-host test comes last and collects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import {
  converged,
  currentSlot,
  type FleetBed,
  latestSlot,
  startFleetBed,
  stopFleetBed,
} from './helpers/fleet-bed.js';
import {
  callEcho,
  countLogLines,
  type FleetHost,
  rollbacks,
  sampleMaps,
  statuses,
  toolNames,
} from './helpers/fleet-hosts.js';
import { redisCommand, tamperSharedMap } from './helpers/fleet-redis.js';
import { metricSample } from './helpers/host-observation.js';
import { waitFor } from './helpers/wait.js';

/** The hosts' refresh interval: the smallest the configuration accepts (MCP_CONNECTOR_REFRESH_INTERVAL_MS ≥ 1000). */
const INTERVAL_MS = 1_000;
const INTERVALS = 20;
/**
 * The three-host fleet's refresh lease (`MCP_REDIS_LEASE_MS`), shorter than the default 10 s so the kill test is
 * quick. Hosts waiting on a lease check every quarter of it (750 ms) whether its holder is still connected.
 */
const LEASE_MS = 3_000;
const SIGNATURE_KEY = 'fleet-e2e-signature-key';
const REDIS_DOWN = 'Redis is unreachable';
const REDIS_BACK = 'Redis is reachable again';
const REJECTED = 'a service map read from Redis failed verification';
const TOOK_OVER = 'released its lease to take over';

let upstream: DemoConnector;
/** Four hosts: one fetch per interval. */
let four: FleetBed | undefined;
/** Three hosts: leader kill, Redis outage, tampered value. */
let three: FleetBed | undefined;
let expectedTools: string[];
/** The first of the INTERVALS intervals measured on the four-host fleet. */
let firstMeasured: number;

beforeAll(async () => {
  upstream = await startDemoConnector({ name: 'alpha' });
  const common = {
    upstreamUrl: upstream.streamableUrl,
    signatureKey: SIGNATURE_KEY,
    intervalMs: INTERVAL_MS,
  };
  const beds = await Promise.allSettled([
    startFleetBed({ ...common, size: 4, prefix: `fleet-e2e-${process.pid}-four:` }),
    startFleetBed({ ...common, size: 3, prefix: `fleet-e2e-${process.pid}-three:`, leaseMs: LEASE_MS }),
  ]);
  [four, three] = beds.map((bed) => (bed.status === 'fulfilled' ? bed.value : undefined));
  for (const bed of beds) if (bed.status === 'rejected') throw bed.reason;
  const fleet = four as FleetBed;
  firstMeasured = currentSlot(fleet) + 1;
  expectedTools = await toolNames(fleet.hosts[0] as FleetHost);
}, 300_000); // the first run may install redis-server

afterAll(async () => {
  await Promise.allSettled([stopFleetBed(four), stopFleetBed(three)]);
  await upstream?.close();
});

describe('three hosts on one Redis', () => {
  it('replace a leader killed mid-refresh within one lease period, never serving an older or unverified map', async () => {
    const bed = three as FleetBed;
    const sampler = sampleMaps(bed.live);
    const held = bed.mapServer.holdNext();
    const gated = await held.arrived;
    const leader = await waitFor('the leader in /status', async () => {
      const all = await statuses(bed.live);
      const index = all.findIndex((status) => status.map.fleet?.role === 'leader');
      return index < 0 ? undefined : (bed.live[index] as FleetHost);
    });
    const followers = bed.live.filter((host) => host !== leader);
    // Every other host waits on that leader's lease instead of fetching.
    await waitFor('the followers waiting on the leader', async () =>
      (await statuses(followers)).every((status) => status.map.fleet?.leaseHolder?.self === false),
    );
    // Nothing can be committed while the leader holds the lease: this is the newest map before the takeover.
    const before = Math.max(
      ...(await statuses(bed.live)).map((status) => Date.parse(status.map.generatedAt ?? '')),
    );
    // The worst moment: right after a renewal (they come every third of the lease), when the dead leader's lease
    // has a whole period left to run. Waiting for it to lapse would take longer than the lease itself; the
    // survivors must see that the dead leader is gone from Redis instead.
    const pttl = async () => (await redisCommand(bed.redis.url, ['PTTL', `${bed.prefix}lease`])) as number;
    await waitFor('the lease to age', async () => (await pttl()) < LEASE_MS - 100, { intervalMs: 5 });
    const remainingAtKill = await waitFor(
      'the leader to renew its lease',
      async () => {
        const remaining = await pttl();
        return remaining >= LEASE_MS - 40 ? remaining : undefined;
      },
      { intervalMs: 5 },
    );
    const killedAtMs = Date.now();
    expect(await leader.process.stop('SIGKILL')).toBe('SIGKILL');
    bed.live = followers;

    const successorMap = await waitFor(
      'a survivor to complete the refresh',
      async () => {
        const all = await statuses(bed.live);
        const generated = all.map((status) => Date.parse(status.map.generatedAt ?? ''));
        return generated.every((ms) => ms > before) && new Set(all.map((s) => s.map.id)).size === 1
          ? all[0]?.map.id
          : undefined;
      },
      { timeoutMs: LEASE_MS + 5_000, intervalMs: 20 },
    );
    const takeoverMs = Date.now() - killedAtMs;
    const after = bed.mapServer.fetches.filter((fetch) => fetch.atMs > gated.atMs);
    const successorFetchMs = (after[0]?.atMs ?? Number.NaN) - killedAtMs;
    console.info(
      `fleet e2e: leader SIGKILLed with ${remainingAtKill} ms of lease left; the successor's fetch arrived ` +
        `${successorFetchMs} ms and the refresh was complete on every survivor ${takeoverMs} ms after the kill`,
    );
    expect(takeoverMs).toBeLessThan(LEASE_MS);
    // One survivor fetched it after the kill and the others took it from Redis.
    expect(after.map((fetch) => fetch.id)).toContain(successorMap);
    // …having found the dead leader gone from Redis, not waited for its lease to run out.
    expect(bed.live.map((host) => countLogLines(host, TOOK_OVER)).reduce((sum, n) => sum + n, 0)).toBe(1);

    // The held request answers now, with a tampered map, to a socket nobody listens on any more.
    held.release('tampered');
    await converged(bed, 'the survivors on one map after the takeover');
    const samples = await sampler.stop();
    expect(samples.length).toBeGreaterThan(0);
    expect(rollbacks(samples)).toEqual([]);
    const served = new Set(samples.map((sample) => sample.id));
    for (const id of served) expect(id !== null && bed.mapServer.goodIds.has(id)).toBe(true);
    for (const id of bed.mapServer.tamperedIds) expect(served.has(id)).toBe(false);
  }, 45_000);

  it('keep serving while Redis is down, show it in /status and metrics, and rejoin when it returns', async () => {
    const bed = three as FleetBed;
    expect(bed.live.length).toBeGreaterThanOrEqual(2);
    const target = `127.0.0.1:${bed.redis.port}`;
    const redisUp = async (host: FleetHost) =>
      metricSample(await (await fetch(`${host.process.baseUrl}/metrics`)).text(), 'mcp_redis_up', { target });
    const warnedBefore = bed.live.map((host) => countLogLines(host, REDIS_DOWN));
    const rejectedBefore = bed.live.map((host) => countLogLines(host, REJECTED));

    await bed.redis.stop();
    await waitFor('every host to see Redis down', async () => {
      const all = await statuses(bed.live);
      const metrics = await Promise.all(bed.live.map(redisUp));
      return (
        all.every((status) => status.map.fleet?.redis.status === 'down') && metrics.every((v) => v === 0)
      );
    });
    // Serving goes on: tools/list and tools/call on every host.
    for (const host of bed.live) {
      expect(await toolNames(host)).toEqual(expectedTools);
      expect(await callEcho(host, 'alpha', `hello from ${host.name}`)).toContain(`hello from ${host.name}`);
    }
    // Each host now fetches on its own; after two rounds of that, each has still warned once for the outage.
    const fetchesAtOutage = bed.mapServer.fetches.length;
    await waitFor(
      'two refresh rounds without Redis',
      () => bed.mapServer.fetches.length >= fetchesAtOutage + 2 * bed.live.length,
      {
        timeoutMs: 10_000,
      },
    );
    expect(bed.live.map((host) => countLogLines(host, REDIS_DOWN))).toEqual(warnedBefore.map((n) => n + 1));

    await bed.redis.start(); // same port, empty (no persistence)
    await waitFor('every host to rejoin', async () => {
      const all = await statuses(bed.live);
      const metrics = await Promise.all(bed.live.map(redisUp));
      return all.every((status) => status.map.fleet?.redis.status === 'up') && metrics.every((v) => v === 1);
    });
    // Each host says so in its log; its stderr reaches the test through a pipe, possibly after /status answered.
    await waitFor('every host to log the rejoin', () =>
      bed.live.every((host) => countLogLines(host, REDIS_BACK) >= 1),
    );
    // Back to one fetch per interval, and a map one host fetched reaches the others through Redis.
    const first = currentSlot(bed) + 1;
    await waitFor('three intervals after the rejoin', () => latestSlot(bed) > first + 2, {
      timeoutMs: 10_000,
    });
    expect(Math.max(...bed.mapServer.countsPerSlot(first, first + 2))).toBe(1);
    const sharedAfterRejoin = new Set(
      bed.mapServer.fetches.filter((fetch) => fetch.slot >= first).map((fetch) => fetch.id),
    );
    await converged(bed, 'the hosts on one map fetched after the rejoin', (id) => sharedAfterRejoin.has(id));
    // Redis came back empty and the first host back shared the map it held, which another host may already have
    // replaced with a newer one: that host keeps its newer map without calling the older one a failed verification.
    expect(bed.live.map((host) => countLogLines(host, REJECTED))).toEqual(rejectedBefore);
  });

  it('reject a tampered map written straight into Redis on every host and keep the last good map', async () => {
    const bed = three as FleetBed;
    // A map that stays fresh, so nothing but the tampered write could change what the hosts serve.
    bed.mapServer.lifetime = 'long';
    const longFrom = bed.mapServer.fetches.length;
    const good = await converged(bed, 'the hosts on a long-lived map', (id) =>
      bed.mapServer.fetches.slice(longFrom).some((fetch) => fetch.id === id),
    );
    const before = await statuses(bed.live);
    const rejectedBefore = bed.live.map((host) => countLogLines(host, REJECTED));
    const rejectedReadsBefore = before.map((status) => status.map.fleet?.rejectedReads ?? 0);

    const tampered = await tamperSharedMap(bed.redis.url, bed.prefix, (map) => ({
      ...map,
      id: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
      generatedAt: new Date(Date.parse(String(map.generatedAt)) + 60_000).toISOString(),
      connectors: [],
    }));

    await waitFor('every host to reject the tampered map', () =>
      bed.live.every((host, index) => countLogLines(host, REJECTED) > (rejectedBefore[index] ?? 0)),
    );
    const after = await statuses(bed.live);
    for (const [index, status] of after.entries()) {
      expect(status.map.id).toBe(good);
      expect(status.map.id).not.toBe(tampered.id);
      expect(status.map.generatedAt).toBe(before[index]?.map.generatedAt);
      // /status counts the refused read and names why, without quoting what was stored.
      expect(status.map.fleet?.rejectedReads).toBeGreaterThan(rejectedReadsBefore[index] ?? 0);
      expect(status.map.fleet?.lastRejection).toEqual({
        reason: 'signature',
        version: tampered.version,
        atMs: expect.any(Number),
      });
      expect(JSON.stringify(status)).not.toContain(tampered.id);
    }
    for (const host of bed.live) {
      expect(await toolNames(host)).toEqual(expectedTools);
      const rejection = host.process
        .stderr()
        .split('\n')
        .findLast((line) => line.includes(REJECTED));
      expect(rejection).toMatch(/"code":"verification_failed"/);
      expect(rejection).toMatch(/"reason":"signature"/);
      expect(rejection).not.toContain(SIGNATURE_KEY);
    }
  });
});

describe('four hosts on one Redis', () => {
  it('fetch the map once per refresh interval fleet-wide, and all serve the same tool list', async () => {
    const bed = four as FleetBed;
    const first = firstMeasured;
    const last = first + INTERVALS - 1;
    await waitFor('a map fetch after the measured intervals', () => latestSlot(bed) > last, {
      timeoutMs: (last + 10) * INTERVAL_MS - Date.now(),
    });

    // Each map expires at the end of the interval it was fetched in, so a host only fetches once the fleet's map
    // is stale: a second request in one interval would be a host that did not take the map another host fetched
    // (without the lease: four, one per host). Counting by interval, the bound is exact: ≤ 1 per interval,
    // ≤ INTERVALS in all (no +1 for a window that cuts an interval in two).
    const perInterval = bed.mapServer.countsPerSlot(first, last);
    const total = perInterval.reduce((sum, count) => sum + count, 0);
    console.info(`fleet e2e: ${total} map fetches over ${INTERVALS} intervals: [${perInterval.join(' ')}]`);
    expect(Math.max(...perInterval)).toBe(1);
    expect(total).toBeLessThanOrEqual(INTERVALS);
    // …and the fleet really refreshes: four hosts each ticking about once per interval leave hardly an interval
    // without a fetch; half of them is a bound that a loaded machine still meets.
    expect(total).toBeGreaterThanOrEqual(INTERVALS / 2);

    await converged(bed, 'the four hosts on one map');
    const lists = await Promise.all(bed.live.map((host) => toolNames(host)));
    expect(expectedTools).toContain('alpha.echo');
    for (const list of lists) expect(list).toEqual(expectedTools);
  }, 60_000);
});
