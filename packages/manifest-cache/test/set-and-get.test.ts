import { describe, expect, it } from 'vitest';
import { ManifestCache, ManifestCacheError, type ManifestLifetime } from '../src/index.js';
import { fakeClock } from './helpers.js';

describe('set / get / getFresh', () => {
  it('returns undefined from get and getFresh when empty', () => {
    const cache = new ManifestCache<string>({ clock: fakeClock().now });
    expect(cache.get()).toBeUndefined();
    expect(cache.getFresh()).toBeUndefined();
  });

  it('serves the value as fresh while its TTL holds', () => {
    const clock = fakeClock();
    const cache = new ManifestCache<string>({ clock: clock.now });
    cache.set('map-1', { ttlMs: 1000 });
    clock.advance(999);
    expect(cache.getFresh()).toBe('map-1');
    expect(cache.get()).toBe('map-1');
  });

  it('serves the stale value from get, and nothing from getFresh, once the TTL has run out', () => {
    const clock = fakeClock();
    const cache = new ManifestCache<string>({ clock: clock.now });
    cache.set('map-1', { ttlMs: 1000 });
    clock.advance(1000);
    expect(cache.getFresh()).toBeUndefined();
    expect(cache.get()).toBe('map-1');
  });

  it('honours an absolute expiry', () => {
    const clock = fakeClock();
    const cache = new ManifestCache<string>({ clock: clock.now });
    cache.set('map-1', { expiresAtMs: clock.now() + 50 });
    clock.advance(49);
    expect(cache.getFresh()).toBe('map-1');
    clock.advance(1);
    expect(cache.getFresh()).toBeUndefined();
    expect(cache.get()).toBe('map-1');
  });

  it('replaces the previous value and lifetime', () => {
    const clock = fakeClock();
    const cache = new ManifestCache<string>({ clock: clock.now });
    cache.set('map-1', { ttlMs: 0 });
    cache.set('map-2', { ttlMs: 10 });
    expect(cache.getFresh()).toBe('map-2');
  });

  it('forgets the value on clear', () => {
    const cache = new ManifestCache<string>({ clock: fakeClock().now });
    cache.set('map-1', { ttlMs: 1000 });
    cache.clear();
    expect(cache.get()).toBeUndefined();
    expect(cache.inspect().status).toBe('empty');
  });

  it('reads the time from Date.now when no clock is given', () => {
    const cache = new ManifestCache<string>();
    const before = Date.now();
    cache.set('map-1', { expiresAtMs: before - 1 });
    const { storedAtMs, status } = cache.inspect();
    expect(storedAtMs).toBeGreaterThanOrEqual(before);
    expect(storedAtMs).toBeLessThanOrEqual(Date.now());
    expect(status).toBe('stale');
  });
});

describe('TTL edge cases', () => {
  it('stores a value with TTL 0 as stale at once', () => {
    const cache = new ManifestCache<string>({ clock: fakeClock().now });
    cache.set('map-1', { ttlMs: 0 });
    expect(cache.getFresh()).toBeUndefined();
    expect(cache.get()).toBe('map-1');
    expect(cache.inspect().status).toBe('stale');
  });

  it('stores a value whose absolute expiry is already past as stale at once', () => {
    const clock = fakeClock();
    const cache = new ManifestCache<string>({ clock: clock.now });
    cache.set('map-1', { expiresAtMs: clock.now() - 60_000 });
    expect(cache.get()).toBe('map-1');
    expect(cache.inspect()).toMatchObject({ status: 'stale', expiresAtMs: clock.now() - 60_000 });
  });

  it.each<ManifestLifetime>([{ ttlMs: Number.POSITIVE_INFINITY }, { expiresAtMs: Number.POSITIVE_INFINITY }])(
    'never expires a value stored with %o',
    (lifetime) => {
      const clock = fakeClock();
      const cache = new ManifestCache<string>({ clock: clock.now });
      cache.set('map-1', lifetime);
      clock.advance(Number.MAX_SAFE_INTEGER);
      expect(cache.getFresh()).toBe('map-1');
    },
  );

  it.each([
    [{ ttlMs: -1 }, 'ttlMs -1'],
    [{ ttlMs: Number.NaN }, 'ttlMs NaN'],
    [{ ttlMs: Number.NEGATIVE_INFINITY }, 'ttlMs -Infinity'],
    [{ ttlMs: '300' }, 'ttlMs "300" (a string)'],
    [{ ttlMs: null }, 'ttlMs of type null'],
    [{ expiresAtMs: Number.NaN }, 'expiresAtMs NaN'],
    [{ expiresAtMs: Number.NEGATIVE_INFINITY }, 'expiresAtMs -Infinity'],
    [{ expiresAtMs: new Date(0) }, 'expiresAtMs of type object'],
    [{}, 'neither ttlMs nor expiresAtMs'],
    [{ ttlMs: 1, expiresAtMs: 1 }, 'both ttlMs and expiresAtMs'],
    [undefined, 'no lifetime (got undefined)'],
  ])(
    'rejects the lifetime %o with invalid_ttl naming it, and keeps the previous value',
    (lifetime, named) => {
      const cache = new ManifestCache<string>({ clock: fakeClock().now });
      cache.set('map-1', { ttlMs: 1000 });
      let thrown: unknown;
      try {
        cache.set('map-2', lifetime as unknown as ManifestLifetime);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ManifestCacheError);
      expect(thrown).toMatchObject({ name: 'ManifestCacheError', code: 'invalid_ttl' });
      expect((thrown as Error).message).toContain(named);
      expect(cache.getFresh()).toBe('map-1');
    },
  );
});
