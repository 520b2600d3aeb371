import { describe, expect, it } from 'vitest';
import { ManifestCacheRedisError } from '../src/index.js';
import { loaded, mapValue } from './fixtures/signed-map.mjs';
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

describe('fresh / stale / empty through Redis', () => {
  it('an empty cache waits for its load, stores the signed text in Redis, and is fresh until expiresAtMs', async () => {
    const clock = fakeClock(T0);
    const keyPrefix = uniquePrefix();
    const cache = newCache({ keyPrefix, clock: clock.now });
    await cache.connect();
    expect(cache.inspect().status).toBe('empty');

    const load = countingLoader(() => loaded(v1));
    await expect(cache.getOrLoad(load.loader)).resolves.toEqual(v1);
    expect(load.calls).toBe(1);

    const stored = await rawRedis().hgetall(`${keyPrefix}map`);
    expect(stored).toMatchObject({
      text: v1.text,
      generatedAtMs: String(v1.generatedAtMs),
      expiresAtMs: String(v1.expiresAtMs),
      writerId: cache.instanceId,
      fence: '1',
    });

    clock.set(v1.expiresAtMs - 1);
    expect(cache.inspect().status).toBe('fresh');
    await expect(cache.getOrLoad(load.loader)).resolves.toEqual(v1);
    expect(load.calls).toBe(1);
    clock.set(v1.expiresAtMs);
    expect(cache.inspect().status).toBe('stale');
    expect(cache.getFresh()).toBeUndefined();
    expect(cache.get()).toEqual(v1);
  });

  it('a stale value is served at once while one background load replaces it, in memory and in Redis', async () => {
    const clock = fakeClock(T0);
    const keyPrefix = uniquePrefix();
    const cache = newCache({ keyPrefix, clock: clock.now });
    await cache.connect();
    await cache.getOrLoad(countingLoader(() => loaded(v1)).loader);
    clock.set(v1.expiresAtMs + 1);

    const load = controlledLoader();
    await expect(cache.getOrLoad(load.loader)).resolves.toEqual(v1);
    await expect(cache.getOrLoad(load.loader)).resolves.toEqual(v1);
    await load.started();
    expect(cache.inspect()).toMatchObject({ status: 'stale', loading: true });
    await load.resolve(loaded(v2));
    await until(() => !cache.inspect().loading, 'the background load to finish');

    expect(load.calls).toBe(1);
    expect(cache.get()).toEqual(v2);
    expect(cache.inspect().status).toBe('fresh');
    expect(await rawRedis().hget(`${keyPrefix}map`, 'text')).toBe(v2.text);
  });

  it('a host that connects later serves the shared map at once, with freshness on its own clock', async () => {
    const keyPrefix = uniquePrefix();
    const writer = newCache({ keyPrefix, clock: fakeClock(T0).now });
    await writer.connect();
    await writer.getOrLoad(countingLoader(() => loaded(v1)).loader);

    const laterClock = fakeClock(v1.expiresAtMs + 5);
    const reader = newCache({ keyPrefix, clock: laterClock.now });
    expect(reader.get()).toBeUndefined();
    await reader.connect();
    expect(reader.get()).toEqual(v1);
    expect(reader.inspect().status).toBe('stale');
    expect(reader.fleetStatus().localVersion).toBe(1);
  });

  it('a failed load keeps the stale value, records the error, reports it once and writes nothing', async () => {
    const clock = fakeClock(T0);
    const keyPrefix = uniquePrefix();
    const errors: unknown[] = [];
    const cache = newCache({ keyPrefix, clock: clock.now, onError: (error) => errors.push(error) });
    await cache.connect();
    await cache.getOrLoad(countingLoader(() => loaded(v1)).loader);
    clock.set(v1.expiresAtMs);

    const failure = new Error('map endpoint unreachable');
    await expect(
      cache.refresh(async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);

    expect(cache.get()).toEqual(v1);
    expect(cache.inspect()).toMatchObject({
      status: 'stale',
      lastError: { message: 'map endpoint unreachable' },
    });
    expect(errors).toEqual([failure]);
    const redis = rawRedis();
    expect(await redis.hmget(`${keyPrefix}map`, 'text', 'fence', 'failedFence')).toEqual([v1.text, '1', '2']);
    expect(await redis.exists(`${keyPrefix}lease`)).toBe(0);
  });

  it('an empty cache does not cache a failure: the next getOrLoad loads again', async () => {
    const keyPrefix = uniquePrefix();
    const cache = newCache({ keyPrefix, clock: fakeClock(T0).now });
    await cache.connect();
    await expect(
      cache.getOrLoad(async () => {
        throw new Error('first load fails');
      }),
    ).rejects.toThrow('first load fails');
    await expect(cache.getOrLoad(countingLoader(() => loaded(v1)).loader)).resolves.toEqual(v1);
  });

  it('a loader result with an unusable lifetime is rejected by ManifestCache and never reaches Redis', async () => {
    const keyPrefix = uniquePrefix();
    const cache = newCache({ keyPrefix, clock: fakeClock(T0).now });
    await cache.connect();
    await expect(cache.getOrLoad(async () => ({ value: v1, ttlMs: -1 }))).rejects.toMatchObject({
      name: 'ManifestCacheError',
      code: 'invalid_ttl',
    });
    const redis = rawRedis();
    expect(await redis.hget(`${keyPrefix}map`, 'text')).toBeNull();
    expect(await redis.exists(`${keyPrefix}lease`)).toBe(0);
  });

  it('a loaded map older than the one held is refused (no rollback), and the newer one stays', async () => {
    const clock = fakeClock(T0);
    const keyPrefix = uniquePrefix();
    const cache = newCache({ keyPrefix, clock: clock.now });
    await cache.connect();
    await cache.getOrLoad(countingLoader(() => loaded(v2)).loader);
    const error = await cache.refresh(countingLoader(() => loaded(v1)).loader).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestCacheRedisError);
    expect(error).toMatchObject({ code: 'generated_at_regressed' });
    expect(cache.get()).toEqual(v2);
    expect(await rawRedis().hget(`${keyPrefix}map`, 'text')).toBe(v2.text);
  });

  it('set() stores in memory only, and the next synchronisation shares it when it is newer than Redis', async () => {
    const clock = fakeClock(T0);
    const keyPrefix = uniquePrefix();
    const cache = newCache({ keyPrefix, clock: clock.now });
    cache.set(v1, { expiresAtMs: v1.expiresAtMs });
    expect(cache.inspect().status).toBe('fresh');
    expect(() => cache.set(v1, { ttlMs: -5 })).toThrow(expect.objectContaining({ code: 'invalid_ttl' }));
    expect(cache.get()).toEqual(v1);

    await cache.connect(); // the connect-time synchronisation shares it
    expect(await rawRedis().hget(`${keyPrefix}map`, 'text')).toBe(v1.text);
    expect(cache.fleetStatus().localVersion).toBe(1);
  });
});
