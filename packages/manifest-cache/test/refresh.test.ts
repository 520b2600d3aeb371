import { describe, expect, it } from 'vitest';
import { ManifestCache } from '../src/index.js';
import { controlledLoader, fakeClock, observe } from './helpers.js';

describe('refresh', () => {
  it('loads even when the value is fresh, and resolves with the new value', async () => {
    const cache = new ManifestCache<string>({ clock: fakeClock().now });
    cache.set('old', { ttlMs: 60_000 });
    const load = controlledLoader<string>();
    const refreshed = cache.refresh(load.loader);
    expect(await observe(refreshed)).toEqual({ status: 'pending' });
    await load.resolve({ value: 'new', ttlMs: 60_000 });
    expect(await refreshed).toBe('new');
    expect(cache.getFresh()).toBe('new');
  });

  it('joins a background load already running instead of starting another', async () => {
    const clock = fakeClock();
    const cache = new ManifestCache<string>({ clock: clock.now });
    cache.set('old', { ttlMs: 0 });
    const load = controlledLoader<string>();
    await cache.getOrLoad(load.loader);
    const refreshes = Array.from({ length: 100 }, () => cache.refresh(load.loader));
    await load.resolve({ value: 'new', ttlMs: 1000 });
    expect(new Set(await Promise.all(refreshes))).toEqual(new Set(['new']));
    expect(load.calls).toBe(1);
  });

  it('rejects with the loader’s error but keeps serving the previous value', async () => {
    const errors: unknown[] = [];
    const cache = new ManifestCache<string>({ clock: fakeClock().now, onError: (e) => errors.push(e) });
    cache.set('old', { ttlMs: 60_000 });
    const load = controlledLoader<string>();
    const outcome = cache.refresh(load.loader).catch((e: unknown) => e);
    const failure = new Error('signature mismatch');
    await load.reject(failure);
    expect(await outcome).toBe(failure);
    expect(errors).toEqual([failure]);
    expect(cache.getFresh()).toBe('old');
    expect(cache.inspect().lastError).toMatchObject({ message: 'signature mismatch' });
  });

  it('lets a set() made during a load win: the load’s value goes to its callers only', async () => {
    const cache = new ManifestCache<string>({ clock: fakeClock().now });
    const load = controlledLoader<string>();
    const refreshed = cache.refresh(load.loader);
    cache.set('pinned', { ttlMs: 0 });
    expect(cache.inspect().loading).toBe(false);

    const next = cache.refresh(load.loader);
    expect(load.calls).toBe(0);
    await load.resolve({ value: 'from-first-load', ttlMs: 1000 });
    expect(await refreshed).toBe('from-first-load');
    expect(cache.get()).toBe('pinned');

    await load.resolve({ value: 'from-second-load', ttlMs: 1000 });
    expect(await next).toBe('from-second-load');
    expect(cache.get()).toBe('from-second-load');
  });

  it('lets a clear() made during a load win: neither its value nor its error is recorded', async () => {
    const errors: unknown[] = [];
    const cache = new ManifestCache<string>({ clock: fakeClock().now, onError: (e) => errors.push(e) });
    const load = controlledLoader<string>();
    const outcome = cache.refresh(load.loader).catch((e: unknown) => e);
    cache.clear();
    await load.reject(new Error('late failure'));
    expect(await outcome).toMatchObject({ message: 'late failure' });
    expect(errors).toHaveLength(1);
    expect(cache.inspect()).toMatchObject({ status: 'empty', loading: false, lastError: null });
  });
});
