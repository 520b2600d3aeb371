import { describe, expect, it } from 'vitest';
import { ManifestCache } from '../src/index.js';
import { controlledLoader, fakeClock } from './helpers.js';

describe('inspect', () => {
  it('describes an empty cache with nulls', () => {
    const cache = new ManifestCache<string>({ clock: fakeClock().now });
    expect(cache.inspect()).toEqual({
      status: 'empty',
      storedAtMs: null,
      ageMs: null,
      expiresAtMs: null,
      loading: false,
      lastLoadedAtMs: null,
      lastError: null,
      lastErrorAtMs: null,
    });
  });

  it('reports status, age and expiry as the clock moves', () => {
    const clock = fakeClock();
    const t0 = clock.now();
    const cache = new ManifestCache<string>({ clock: clock.now });
    cache.set('map', { ttlMs: 1000 });
    clock.advance(400);
    expect(cache.inspect()).toMatchObject({
      status: 'fresh',
      storedAtMs: t0,
      ageMs: 400,
      expiresAtMs: t0 + 1000,
    });
    clock.advance(600);
    expect(cache.inspect()).toMatchObject({ status: 'stale', ageMs: 1000 });
  });

  it('records when the last load finished, and shows a load in progress', async () => {
    const clock = fakeClock();
    const cache = new ManifestCache<string>({ clock: clock.now });
    cache.set('seed', { ttlMs: 0 });
    expect(cache.inspect().lastLoadedAtMs).toBeNull();
    const load = controlledLoader<string>();
    await cache.getOrLoad(load.loader);
    expect(cache.inspect().loading).toBe(true);
    clock.advance(250);
    await load.resolve({ value: 'loaded', ttlMs: 1000 });
    expect(cache.inspect()).toMatchObject({
      loading: false,
      lastLoadedAtMs: clock.now(),
      storedAtMs: clock.now(),
      expiresAtMs: clock.now() + 1000,
    });
  });

  it('reports a value that never expires with expiresAtMs null, and survives a JSON round trip', async () => {
    const cache = new ManifestCache<string>({ clock: fakeClock().now });
    cache.set('map', { ttlMs: Number.POSITIVE_INFINITY });
    await cache.refresh(() => Promise.reject('plain string failure')).catch(() => undefined);
    const state = cache.inspect();
    expect(state).toMatchObject({
      status: 'fresh',
      expiresAtMs: null,
      lastError: { name: 'NonError', message: 'plain string failure' },
    });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('never reports a negative age when the clock steps back', () => {
    const clock = fakeClock();
    const cache = new ManifestCache<string>({ clock: clock.now });
    cache.set('map', { ttlMs: 1000 });
    clock.advance(-5000);
    expect(cache.inspect().ageMs).toBe(0);
  });

  it('clear forgets the last load and the last error', async () => {
    const cache = new ManifestCache<string>({ clock: fakeClock().now });
    await cache.refresh(() => ({ value: 'map', ttlMs: 1000 }));
    cache.set('map', { ttlMs: 0 });
    await cache.refresh(() => Promise.reject(new Error('down'))).catch(() => undefined);
    expect(cache.inspect()).toMatchObject({
      lastLoadedAtMs: expect.any(Number),
      lastError: { message: 'down' },
    });
    cache.clear();
    expect(cache.inspect()).toMatchObject({ status: 'empty', lastLoadedAtMs: null, lastError: null });
  });
});
