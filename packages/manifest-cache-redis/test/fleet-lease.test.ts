import { describe, expect, it } from 'vitest';
import type { FleetChange } from '../src/index.js';
import { loaded, type MapValue, mapValue } from './fixtures/signed-map.mjs';
import {
  controlledLoader,
  countingLoader,
  fakeClock,
  newCache,
  rawRedis,
  T0,
  uniquePrefix,
  until,
} from './helpers.js';

const TTL = 60_000;
const v1 = mapValue({ id: 'v1', generatedAtMs: T0, ttlMs: TTL });
const v2 = mapValue({ id: 'v2', generatedAtMs: T0 + TTL, ttlMs: TTL });

/** `count` hosts of one fleet, all holding v1 and all stale (their clocks are past v1's expiry). */
async function staleFleet(count: number, options: Parameters<typeof newCache>[0]) {
  const clock = fakeClock(T0);
  const hosts = Array.from({ length: count }, () => newCache({ clock: clock.now, ...options }));
  await hosts[0]?.getOrLoad(countingLoader(() => loaded(v1)).loader); // standalone until connected: no Redis yet
  for (const host of hosts) await host.connect();
  await until(() => hosts.every((host) => host.get()?.id === 'v1'), 'every host to hold v1');
  clock.set(v1.expiresAtMs + 1);
  return { clock, hosts };
}

describe('leader lease', () => {
  it('when the map expires, exactly one of several hosts loads it and every host ends up with its map', async () => {
    const { hosts } = await staleFleet(4, { keyPrefix: uniquePrefix() });
    const loaders = hosts.map(() => controlledLoader());

    const refreshes = hosts.map((host, index) =>
      host.refresh((loaders[index] as (typeof loaders)[0]).loader),
    );
    const leaderIndex = await until(() => {
      const index = loaders.findIndex((loader) => loader.calls > 0);
      return index >= 0 ? index + 1 : 0;
    }, 'one host to start loading');
    const leader = loaders[leaderIndex - 1] as (typeof loaders)[0];
    expect(hosts[leaderIndex - 1]?.fleetStatus()).toMatchObject({
      role: 'leader',
      leaseHolder: { self: true },
    });
    await leader.resolve(loaded(v2));

    const results = await Promise.all(refreshes);
    expect(results.map((value) => value.id)).toEqual(['v2', 'v2', 'v2', 'v2']);
    expect(loaders.map((loader) => loader.calls).reduce((a, b) => a + b)).toBe(1);
    for (const host of hosts) expect(host.inspect().status).toBe('fresh');
    expect(await rawRedis().hget(`${hosts[0]?.fleetStatus().keyPrefix}map`, 'writerId')).toBe(
      hosts[leaderIndex - 1]?.instanceId,
    );
  });

  it('a follower sees the lease holder in its status while it waits', async () => {
    const { hosts } = await staleFleet(2, { keyPrefix: uniquePrefix() });
    const [first, second] = hosts as [(typeof hosts)[0], (typeof hosts)[0]];
    const leaderLoad = controlledLoader();
    const leading = first.refresh(leaderLoad.loader);
    await leaderLoad.started();
    const followerLoad = controlledLoader();
    const following = second.refresh(followerLoad.loader);
    await until(() => second.fleetStatus().leaseHolder !== null, 'the follower to see the lease');
    expect(second.fleetStatus()).toMatchObject({
      role: 'follower',
      leaseHolder: { holderId: first.instanceId, self: false },
    });
    await leaderLoad.resolve(loaded(v2));
    await expect(following).resolves.toEqual(v2);
    await leading;
    expect(followerLoad.calls).toBe(0);
    expect(first.fleetStatus()).toMatchObject({ role: 'follower', leaseHolder: null });
  });

  it('an idle host picks up a new map by notification and reports it through onChange', async () => {
    const keyPrefix = uniquePrefix();
    const changes: FleetChange<MapValue>[] = [];
    const { hosts } = await staleFleet(1, { keyPrefix });
    const idle = newCache({
      keyPrefix,
      clock: fakeClock(T0).now,
      onChange: (change) => changes.push(change),
    });
    await idle.connect();
    expect(idle.get()?.id).toBe('v1');

    await hosts[0]?.refresh(countingLoader(() => loaded(v2)).loader);
    await until(() => idle.get()?.id === 'v2', 'the idle host to pick up v2');
    expect(changes).toEqual([
      {
        value: v1,
        version: 1,
        generatedAtMs: v1.generatedAtMs,
        writerId: hosts[0]?.instanceId,
        source: 'connect',
      },
      {
        value: v2,
        version: 2,
        generatedAtMs: v2.generatedAtMs,
        writerId: hosts[0]?.instanceId,
        source: 'notification',
      },
    ]);
  });

  it('with notifications off, an idle host picks up a new map by polling', async () => {
    const keyPrefix = uniquePrefix();
    const changes: FleetChange<MapValue>[] = [];
    const { hosts } = await staleFleet(1, { keyPrefix });
    const idle = newCache({
      keyPrefix,
      clock: fakeClock(T0).now,
      notifications: false,
      pollIntervalMs: 20,
      onChange: (change) => changes.push(change),
    });
    await idle.connect();

    await hosts[0]?.refresh(countingLoader(() => loaded(v2)).loader);
    await until(() => idle.get()?.id === 'v2', 'the polling host to pick up v2');
    expect(changes.map((change) => [change.value.id, change.source])).toEqual([
      ['v1', 'connect'],
      ['v2', 'poll'],
    ]);
  });

  it('with notifications off, a waiting follower still gets the leader’s map (by polling)', async () => {
    const { hosts } = await staleFleet(2, {
      keyPrefix: uniquePrefix(),
      notifications: false,
      pollIntervalMs: 20,
    });
    const [first, second] = hosts as [(typeof hosts)[0], (typeof hosts)[0]];
    const leaderLoad = controlledLoader();
    const leading = first.refresh(leaderLoad.loader);
    await leaderLoad.started();
    const followerLoad = controlledLoader();
    const following = second.refresh(followerLoad.loader);
    await leaderLoad.resolve(loaded(v2));
    await expect(following).resolves.toEqual(v2);
    await leading;
    expect(followerLoad.calls).toBe(0);
  });

  it('when the leader’s load fails, followers stop waiting, keep their stale map and do not load', async () => {
    const { hosts } = await staleFleet(3, { keyPrefix: uniquePrefix() });
    const [first, ...others] = hosts as [(typeof hosts)[0], ...typeof hosts];
    const leaderLoad = controlledLoader();
    const leading = first.refresh(leaderLoad.loader);
    await leaderLoad.started();
    // A follower that runs its own load fails at once (and the test with it) instead of waiting forever.
    const followerLoads = others.map(() =>
      countingLoader(() => {
        throw new Error('a follower ran its own load');
      }),
    );
    const following = others.map((host, index) =>
      host
        .refresh((followerLoads[index] as (typeof followerLoads)[0]).loader)
        .catch((error: unknown) => error),
    );
    await until(() => others.every((host) => host.fleetStatus().leaseHolder !== null), 'followers to wait');
    await leaderLoad.reject(new Error('map endpoint is down'));

    await expect(leading).rejects.toThrow('map endpoint is down');
    for (const outcome of await Promise.all(following))
      expect(outcome).toMatchObject({ code: 'leader_failed' });
    expect(followerLoads.map((loader) => loader.calls)).toEqual([0, 0]);
    for (const host of hosts) expect(host.get()?.id).toBe('v1');
  });

  it('a fresh shared map is taken as it is: a stale host refreshing after another host did loads nothing', async () => {
    const { hosts } = await staleFleet(2, { keyPrefix: uniquePrefix(), notifications: false });
    const [first, second] = hosts as [(typeof hosts)[0], (typeof hosts)[0]];
    await first.refresh(countingLoader(() => loaded(v2)).loader);
    expect(second.get()?.id).toBe('v1'); // no notification, no poll yet
    const late = countingLoader(() => loaded(v2));
    await expect(second.getOrLoad(late.loader)).resolves.toMatchObject({ id: 'v1' }); // stale at once
    await until(() => second.get()?.id === 'v2', 'the background load to take the shared map');
    expect(late.calls).toBe(0);
  });

  it('a map that is already stale when fetched is still fetched once per refresh, not once per host', async () => {
    const { hosts, clock } = await staleFleet(3, { keyPrefix: uniquePrefix() });
    // The producer stopped regenerating: what it serves expired before it was fetched.
    const expired = mapValue({ id: 'expired', generatedAtMs: T0 + 1, ttlMs: 1 });
    expect(clock.now()).toBeGreaterThan(expired.expiresAtMs);
    const loaders = hosts.map(() => controlledLoader());
    const refreshes = hosts.map((host, index) =>
      host.refresh((loaders[index] as (typeof loaders)[0]).loader),
    );
    const leader = await until(() => loaders.find((loader) => loader.calls > 0), 'one host to start loading');
    if (leader === undefined) throw new Error('unreachable: until() returns a truthy value');
    await until(() => hosts.every((host) => host.fleetStatus().leaseHolder !== null), 'the others to follow');
    await leader.resolve(loaded(expired));

    expect((await Promise.all(refreshes)).map((value) => value.id)).toEqual([
      'expired',
      'expired',
      'expired',
    ]);
    expect(loaders.map((loader) => loader.calls).reduce((a, b) => a + b)).toBe(1);
  });
});
