import { describe, expect, it } from 'vitest';
import { FleetStore } from '../src/fleet-store.js';
import { HealthTracker } from '../src/health.js';
import { fleetKeys } from '../src/keys.js';
import type { HeldLease } from '../src/lease.js';
import { loaded, mapValue } from './fixtures/signed-map.mjs';
import {
  controlledLoader,
  countingLoader,
  fakeClock,
  newCache,
  rawRedis,
  T0,
  uniquePrefix,
} from './helpers.js';

/** The low-level store on its own connection, as the cache uses it. */
function lowLevelStore() {
  const keyPrefix = uniquePrefix();
  const keys = fleetKeys(keyPrefix);
  const health = new HealthTracker({
    clock: Date.now,
    logger: undefined,
    onChange: undefined,
    describeTarget: 'test',
  });
  const client = rawRedis();
  return { keys, client, store: new FleetStore(client, keys, health, () => false) };
}

const input = (generatedAtMs: number, writerId: string) => ({
  text: `map generated at ${generatedAtMs}`,
  generatedAtMs,
  expiresAtMs: generatedAtMs + 60_000,
  fetchedAtMs: generatedAtMs,
  writerId,
});

async function acquired(
  store: FleetStore,
  holder: string,
  version: number | null | 'any',
): Promise<HeldLease> {
  const attempt = await store.acquire(holder, 5_000, version);
  if (attempt.outcome !== 'acquired') throw new Error(`expected to acquire, got ${attempt.outcome}`);
  return attempt.lease;
}

describe('fencing and ordering (Lua scripts against a real Redis)', () => {
  it('hands out increasing fencing tokens, one holder at a time', async () => {
    const { store, keys, client } = lowLevelStore();
    const a = await acquired(store, 'host-a', null);
    expect(a.fence).toBe(1);
    expect(await store.acquire('host-b', 5_000, null)).toMatchObject({
      outcome: 'held',
      holder: { holderId: 'host-a', fence: 1 },
    });
    expect(await client.pttl(keys.lease)).toBeLessThanOrEqual(5_000);
    await store.abandon(a);
    expect((await acquired(store, 'host-b', null)).fence).toBe(2);
  });

  it('refuses a write with a stale fencing token, and keeps the current holder’s map', async () => {
    const { store, keys, client } = lowLevelStore();
    const stale = await acquired(store, 'host-a', null);
    await client.del(keys.lease); // host-a's lease expires (e.g. a long GC pause)
    const current = await acquired(store, 'host-b', null);

    await expect(store.commit(stale, input(T0 + 1, 'host-a'))).rejects.toMatchObject({ code: 'lease_lost' });
    expect(await client.hget(keys.map, 'text')).toBeNull();
    await store.commit(current, input(T0, 'host-b'));
    expect(await client.hmget(keys.map, 'writerId', 'fence')).toEqual(['host-b', '2']);
    expect(await client.exists(keys.lease)).toBe(0); // commit released the lease
    await expect(store.renew(stale, 5_000)).resolves.toBe(false);
  });

  it('refuses a write whose generatedAt is older than the stored one; an equal one is accepted', async () => {
    const { store, keys, client } = lowLevelStore();
    await store.commit(await acquired(store, 'host-a', null), input(T0 + 100, 'host-a'));

    const older = await acquired(store, 'host-b', 1);
    await expect(store.commit(older, input(T0 + 99, 'host-b'))).rejects.toMatchObject({
      code: 'generated_at_regressed',
    });
    expect(await client.hmget(keys.map, 'generatedAtMs', 'fence')).toEqual([String(T0 + 100), '1']);
    await store.abandon(older);

    await store.commit(await acquired(store, 'host-b', 1), input(T0 + 100, 'host-b'));
    expect(await client.hget(keys.map, 'fence')).toBe('3');
  });

  it('overwrites a rejected stored version whatever its generatedAt, but only that exact version', async () => {
    const { store, keys, client } = lowLevelStore();
    await client.hset(keys.map, { text: 'tampered', generatedAtMs: String(T0 * 2), fence: '7' });
    const lease = await acquired(store, 'host-a', 7);
    await expect(store.commit(lease, input(T0, 'host-a'), 6)).rejects.toMatchObject({
      code: 'generated_at_regressed',
    });
    await store.commit(lease, input(T0, 'host-a'), 7);
    expect(await client.hmget(keys.map, 'text', 'generatedAtMs')).toEqual([input(T0, '').text, String(T0)]);
  });

  it('does not grant the lease to a host that saw an older version than the stored one', async () => {
    const { store } = lowLevelStore();
    await store.commit(await acquired(store, 'host-a', null), input(T0, 'host-a'));
    expect(await store.acquire('late-host', 5_000, null)).toEqual({ outcome: 'changed', version: 1 });
    expect(await store.acquire('late-host', 5_000, 1)).toMatchObject({ outcome: 'acquired' });
  });

  it('a leader whose lease was taken over has its write refused and serves the new holder’s map', async () => {
    const keyPrefix = uniquePrefix();
    const clock = fakeClock(T0);
    const slowErrors: unknown[] = [];
    const slow = newCache({
      keyPrefix,
      clock: clock.now,
      leaseMs: 60_000,
      onError: (e) => slowErrors.push(e),
    });
    const other = newCache({ keyPrefix, clock: clock.now, leaseMs: 60_000 });
    await slow.connect();
    await other.connect();
    const slowLoad = controlledLoader();
    const slowRefresh = slow.refresh(slowLoad.loader).catch((error: unknown) => error);
    await slowLoad.started();
    await rawRedis().del(`${keyPrefix}lease`); // the slow leader's lease runs out while it loads

    const v2 = mapValue({ id: 'v2', generatedAtMs: T0 + 1, ttlMs: 60_000 });
    await expect(other.refresh(countingLoader(() => loaded(v2)).loader)).resolves.toEqual(v2);
    await slowLoad.resolve(loaded(mapValue({ id: 'slow', generatedAtMs: T0 + 2, ttlMs: 60_000 })));

    // The fenced-out leader reports the refusal and serves the winner's map instead of its own.
    expect(await slowRefresh).toEqual(v2);
    expect(slowErrors).toEqual([expect.objectContaining({ code: 'lease_lost' })]);
    expect(slow.get()).toEqual(v2);
    expect(await rawRedis().hget(`${keyPrefix}map`, 'text')).toBe(v2.text);
  });

  it('a lease key written by something else is waited on (polled), then the load gives up with leader_timeout', async () => {
    const keyPrefix = uniquePrefix();
    const host = newCache({ keyPrefix, clock: fakeClock(T0).now, followerWaitMs: 150, pollIntervalMs: 20 });
    await host.connect();
    await rawRedis().set(`${keyPrefix}lease`, 'not a token'); // no expiry
    const load = countingLoader(() => loaded(mapValue({ id: 'v1', generatedAtMs: T0, ttlMs: 60_000 })));
    await expect(host.refresh(load.loader)).rejects.toMatchObject({ code: 'leader_timeout' });
    expect(load.calls).toBe(0);
    expect(host.fleetStatus().leaseHolder).toEqual({ holderId: 'unknown', fence: 0, self: false });
  });
});
