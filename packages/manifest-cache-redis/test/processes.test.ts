import { afterEach, describe, expect, it } from 'vitest';
import { loaded, mapValue } from './fixtures/signed-map.mjs';
import { controlledLoader, countingLoader, newCache, rawRedis, uniquePrefix, until } from './helpers.js';
import { type HostProcess, startHostProcess } from './host-process.js';
import { sharedRedisUrl } from './support/provided.js';

// The child processes use the real clock, so the maps are dated around now.
const TTL = 60_000;
const LEASE_MS = 600;

const hosts: HostProcess[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

async function hostProcess(keyPrefix: string, name: string): Promise<HostProcess> {
  const host = await startHostProcess(sharedRedisUrl(), keyPrefix, LEASE_MS, name);
  hosts.push(host);
  return host;
}

/** Stores a map that is already stale on the real clock, so every host's next refresh must replace it. */
async function seedStaleMap(keyPrefix: string) {
  const stale = mapValue({ id: 'stale', generatedAtMs: Date.now() - 2 * TTL, ttlMs: TTL });
  const seeder = newCache({ keyPrefix });
  await seeder.connect();
  await seeder.refresh(countingLoader(() => loaded(stale)).loader);
  await seeder.close();
}

describe('hosts in separate processes', () => {
  it('exactly one of several processes refreshes an expired map; all of them end up with its map', async () => {
    const keyPrefix = uniquePrefix();
    await seedStaleMap(keyPrefix);
    const fleet = await Promise.all(['p1', 'p2', 'p3'].map((name) => hostProcess(keyPrefix, name)));
    for (const host of fleet) expect(host.lines[0]?.held).toBe('stale');

    const fresh = mapValue({ id: 'fresh', generatedAtMs: Date.now(), ttlMs: TTL });
    for (const host of fleet) host.send({ cmd: 'refresh', map: fresh });
    // Every process either runs its loader or sees another holder: only then let the leader finish.
    await Promise.all(
      fleet.map((host) => host.next((line) => line.loading === true || line.following !== undefined)),
    );
    for (const host of fleet) host.send({ cmd: 'release' });

    const outcomes = await Promise.all(
      fleet.map((host) => host.next((line) => 'refreshed' in line || 'failed' in line)),
    );
    expect(outcomes.map((line) => line.refreshed)).toEqual(['fresh', 'fresh', 'fresh']);
    const leaders = fleet.filter((host) => host.lines.some((line) => line.loading));
    expect(leaders).toHaveLength(1);
    expect(await rawRedis().hget(`${keyPrefix}map`, 'writerId')).toBe(leaders[0]?.instanceId);
  });

  it('a leader killed with SIGKILL mid-refresh loses its lease, and a waiting host takes over', async (context) => {
    const keyPrefix = uniquePrefix();
    await seedStaleMap(keyPrefix);
    const doomed = await hostProcess(keyPrefix, 'doomed');
    doomed.send({ cmd: 'refresh', hang: true, map: null });
    const { fence: doomedFence } = await doomed.next((line) => line.loading === true);

    const survivor = newCache({ keyPrefix, leaseMs: LEASE_MS });
    await survivor.connect();
    const takeover = controlledLoader();
    const refreshing = survivor.refresh(takeover.loader);
    await until(() => survivor.fleetStatus().leaseHolder?.holderId === 'doomed', 'the survivor to follow');

    const redis = rawRedis();
    await doomed.kill();
    const killedAt = Date.now();
    // The dead holder's lease is bounded by one lease period: it renewed at most LEASE_MS before.
    const remainingMs = await redis.pttl(`${keyPrefix}lease`);
    expect(remainingMs).toBeGreaterThan(0);
    expect(remainingMs).toBeLessThanOrEqual(LEASE_MS);

    await takeover.started();
    const takeoverMs = Date.now() - killedAt;
    // Recorded, not asserted (no timing thresholds): test-results/vitest.json carries it in the test's meta.
    Object.assign(context.task.meta, { takeoverMs, leaseMs: LEASE_MS, leaseRemainingAtKillMs: remainingMs });
    expect(await redis.get(`${keyPrefix}lease`)).toBe(`${(doomedFence ?? 0) + 1}:${survivor.instanceId}`);

    const fresh = mapValue({ id: 'fresh', generatedAtMs: Date.now(), ttlMs: TTL });
    await takeover.resolve(loaded(fresh));
    await expect(refreshing).resolves.toEqual(fresh);
    expect(await redis.hmget(`${keyPrefix}map`, 'writerId', 'fence')).toEqual([
      survivor.instanceId,
      String((doomedFence ?? 0) + 1),
    ]);
  });
});
