import { describe, expect, it } from 'vitest';
import { ManifestCacheRedisError } from '../src/index.js';
import { loaded, mapValue, signMap } from './fixtures/signed-map.mjs';
import { countingLoader, fakeClock, newCache, rawRedis, T0, uniquePrefix, until } from './helpers.js';

const TTL = 60_000;
const v1 = mapValue({ id: 'v1', generatedAtMs: T0, ttlMs: TTL });
const v2 = mapValue({ id: 'v2', generatedAtMs: T0 + TTL, ttlMs: TTL });

/** A fleet of a writer and a reader holding v1; the reader records what it was told. */
async function fleetWithV1() {
  const keyPrefix = uniquePrefix();
  const clock = fakeClock(T0);
  const errors: unknown[] = [];
  const writer = newCache({ keyPrefix, clock: clock.now });
  const reader = newCache({ keyPrefix, clock: clock.now, onError: (error) => errors.push(error) });
  await writer.connect();
  await writer.getOrLoad(countingLoader(() => loaded(v1)).loader);
  await reader.connect();
  expect(reader.get()).toEqual(v1);
  return { keyPrefix, clock, errors, writer, reader, redis: rawRedis() };
}

describe('every value from Redis is verified', () => {
  it('a tampered map written straight into Redis is rejected, reported once, and the last good map stays', async () => {
    const { keyPrefix, errors, reader, redis } = await fleetWithV1();
    const forged = signMap({
      id: 'forged',
      generatedAtMs: T0 + TTL,
      ttlMs: TTL,
      key: 'not-the-producer-key',
    });
    await redis.hset(`${keyPrefix}map`, { text: forged, generatedAtMs: String(T0 + TTL), fence: '99' });
    await redis.publish(`${keyPrefix}events`, 'map:99');

    await until(() => reader.fleetStatus().rejectedReads === 1, 'the reader to reject the forged map');
    expect(reader.get()).toEqual(v1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ManifestCacheRedisError);
    expect(errors[0]).toMatchObject({
      code: 'verification_failed',
      cause: { message: 'signature does not match' },
    });
    expect(reader.fleetStatus()).toMatchObject({
      shared: { version: 99, generatedAtMs: null },
      lastRejection: { version: 99, reason: 'verify_rejected' },
    });

    // The same forged version announced again is not verified (or reported) again.
    await redis.publish(`${keyPrefix}events`, 'map:99');
    await reader.refresh(countingLoader(() => loaded(v2)).loader);
    expect(errors).toHaveLength(1);
  });

  it('the next refresh replaces a rejected map, even one that claims a later generatedAt', async () => {
    const { keyPrefix, clock, reader, redis } = await fleetWithV1();
    await redis.hset(`${keyPrefix}map`, {
      text: 'not even JSON',
      generatedAtMs: String(T0 * 2),
      fence: '42',
    });
    clock.set(v1.expiresAtMs);

    const load = countingLoader(() => loaded(v2));
    await expect(reader.refresh(load.loader)).resolves.toEqual(v2);
    expect(load.calls).toBe(1);
    expect(await redis.hmget(`${keyPrefix}map`, 'text', 'generatedAtMs')).toEqual([
      v2.text,
      String(v2.generatedAtMs),
    ]);
  });

  it('a validly signed map whose stored generatedAtMs does not match its content is rejected', async () => {
    const { keyPrefix, errors, reader, redis } = await fleetWithV1();
    // Genuine text, but metadata claiming it is newer (e.g. to block later writes): inconsistent, not used.
    await redis.hset(`${keyPrefix}map`, { text: v2.text, generatedAtMs: String(T0 * 2), fence: '5' });
    await redis.publish(`${keyPrefix}events`, 'map:5');
    await until(() => errors.length === 1, 'the reader to reject the inconsistent record');
    expect(errors[0]).toMatchObject({ code: 'verification_failed' });
    expect((errors[0] as Error).message).toContain('does not match the verified map');
    expect(reader.fleetStatus().lastRejection).toMatchObject({ version: 5, reason: 'metadata_mismatch' });
    expect(reader.get()).toEqual(v1);
  });

  it('a malformed record (fields missing) is rejected without calling verify', async () => {
    const { keyPrefix, errors, reader, redis } = await fleetWithV1();
    await redis.hset(`${keyPrefix}map`, { text: v2.text, generatedAtMs: 'soon', fence: '6' });
    await redis.publish(`${keyPrefix}events`, 'map:6');
    await until(() => errors.length === 1, 'the reader to reject the malformed record');
    expect((errors[0] as Error).message).toContain('malformed');
    expect(reader.fleetStatus().lastRejection).toMatchObject({ version: 6, reason: 'malformed' });
    expect(reader.get()).toEqual(v1);
  });

  it('a host never adopts a shared map older than its own, and shares its newer one instead', async () => {
    const { keyPrefix, reader, redis } = await fleetWithV1();
    reader.set(v2, { expiresAtMs: v2.expiresAtMs });
    // The genuine older map announced again under a new version (as a host with a rolled-back source would).
    await redis.hset(`${keyPrefix}map`, { fence: '7' });
    await redis.publish(`${keyPrefix}events`, 'map:7');
    await until(
      async () => (await redis.hget(`${keyPrefix}map`, 'text')) === v2.text,
      'the reader to share v2',
    );
    expect(reader.get()).toEqual(v2);
    expect(await redis.hget(`${keyPrefix}map`, 'writerId')).toBe(reader.instanceId);
  });

  it("names a rejection by the code of verify's error, and only by a code-like one", async () => {
    const keyPrefix = uniquePrefix();
    const writer = newCache({ keyPrefix, clock: fakeClock(T0).now });
    await writer.connect();
    await writer.getOrLoad(countingLoader(() => loaded(v1)).loader);
    const reasonFor = async (code: unknown) => {
      const reader = newCache({
        keyPrefix,
        clock: fakeClock(T0).now,
        verify: () => {
          throw Object.assign(new Error('rejected'), { code });
        },
      });
      await reader.connect();
      return reader.fleetStatus().lastRejection?.reason;
    };
    expect(await reasonFor('signature')).toBe('signature');
    expect(await reasonFor('the map says: {"secret": 1}')).toBe('verify_rejected');
    expect(await reasonFor(42)).toBe('verify_rejected');
  });

  it('an async verify is awaited, and its rejection counts like a throw', async () => {
    const keyPrefix = uniquePrefix();
    const writer = newCache({ keyPrefix, clock: fakeClock(T0).now });
    await writer.connect();
    await writer.getOrLoad(countingLoader(() => loaded(v1)).loader);
    const errors: unknown[] = [];
    const reader = newCache({
      keyPrefix,
      clock: fakeClock(T0).now,
      verify: async () => {
        throw new Error('key rotated away');
      },
      onError: (error) => errors.push(error),
    });
    await reader.connect();
    expect(reader.get()).toBeUndefined();
    expect(errors).toEqual([expect.objectContaining({ code: 'verification_failed' })]);
  });
});
