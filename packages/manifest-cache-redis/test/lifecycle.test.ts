import { describe, expect, it } from 'vitest';
import { loaded, mapValue } from './fixtures/signed-map.mjs';
import {
  controlledLoader,
  countingLoader,
  fakeClock,
  newCache,
  rawRedis,
  recordingLogger,
  T0,
  uniquePrefix,
  until,
} from './helpers.js';

const TTL = 60_000;
const v1 = mapValue({ id: 'v1', generatedAtMs: T0, ttlMs: TTL });
const v2 = mapValue({ id: 'v2', generatedAtMs: T0 + TTL, ttlMs: TTL });

describe('lifecycle', () => {
  it('before connect() the cache works alone in memory, as a standalone host', async () => {
    const cache = newCache({ keyPrefix: uniquePrefix(), clock: fakeClock(T0).now });
    const load = countingLoader(() => loaded(v1));
    await expect(cache.getOrLoad(load.loader)).resolves.toEqual(v1);
    expect(load.calls).toBe(1);
    expect(cache.fleetStatus().role).toBe('standalone');
  });

  it('closing while holding the lease gives it up at once, so another host can refresh', async () => {
    const keyPrefix = uniquePrefix();
    const clock = fakeClock(T0);
    const leaving = newCache({ keyPrefix, clock: clock.now, leaseMs: 60_000 });
    const staying = newCache({ keyPrefix, clock: clock.now, leaseMs: 60_000 });
    await leaving.connect();
    await staying.connect();
    const hanging = controlledLoader();
    const leavingRefresh = leaving.refresh(hanging.loader);
    await hanging.started();
    expect(leaving.fleetStatus().role).toBe('leader');

    await leaving.close();
    expect(await rawRedis().exists(`${keyPrefix}lease`)).toBe(0);
    await expect(staying.refresh(countingLoader(() => loaded(v2)).loader)).resolves.toEqual(v2);

    // The closed host's load still settles for its caller, in memory only.
    await hanging.resolve(loaded(v1));
    await expect(leavingRefresh).resolves.toEqual(v1);
    expect(await rawRedis().hget(`${keyPrefix}map`, 'text')).toBe(v2.text);
  });

  it('after close() the cache keeps serving from memory, loads alone, and logs no outage', async () => {
    const logger = recordingLogger();
    const clock = fakeClock(T0);
    const cache = newCache({ keyPrefix: uniquePrefix(), clock: clock.now, logger });
    await cache.connect();
    await cache.getOrLoad(countingLoader(() => loaded(v1)).loader);
    await cache.close();
    await cache.close(); // idempotent
    expect(cache.get()).toEqual(v1);
    clock.set(v1.expiresAtMs);
    await expect(cache.refresh(countingLoader(() => loaded(v2)).loader)).resolves.toEqual(v2);
    expect(cache.fleetStatus().role).toBe('standalone');
    expect(logger.lines).toEqual([]);
    await expect(cache.connect()).rejects.toMatchObject({ code: 'closed' });
  });

  it('clear() forgets the local value only; the next synchronisation brings the shared one back', async () => {
    const keyPrefix = uniquePrefix();
    const cache = newCache({ keyPrefix, clock: fakeClock(T0).now, pollIntervalMs: 20 });
    await cache.connect();
    await cache.getOrLoad(countingLoader(() => loaded(v1)).loader);
    cache.clear();
    expect(cache.inspect().status).toBe('empty');
    await until(() => cache.get()?.id === 'v1', 'the next poll to bring v1 back');
  });
});
