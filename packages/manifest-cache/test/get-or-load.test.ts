import { describe, expect, it } from 'vitest';
import { ManifestCache, ManifestCacheError, type ManifestLoader } from '../src/index.js';
import { controlledLoader, fakeClock, flushMicrotasks, observe } from './helpers.js';

const CALLERS = 100;

function staleCache(clock = fakeClock(), onError?: (error: unknown) => void) {
  const cache = new ManifestCache<string>({ clock: clock.now, onError });
  cache.set('old', { ttlMs: 1000 });
  clock.advance(1000);
  return cache;
}

describe('getOrLoad on a fresh cache', () => {
  it('returns the fresh value without calling the loader', async () => {
    const clock = fakeClock();
    const cache = new ManifestCache<string>({ clock: clock.now });
    cache.set('current', { ttlMs: 1000 });
    clock.advance(999);
    const load = controlledLoader<string>();
    expect(await cache.getOrLoad(load.loader)).toBe('current');
    await flushMicrotasks();
    expect(load.calls).toBe(0);
    expect(cache.inspect().loading).toBe(false);
  });
});

describe('getOrLoad on an empty cache', () => {
  it('waits for the load and stores its result', async () => {
    const clock = fakeClock();
    const cache = new ManifestCache<string>({ clock: clock.now });
    const load = controlledLoader<string>();
    const pending = cache.getOrLoad(load.loader);
    expect(await observe(pending)).toEqual({ status: 'pending' });
    await load.resolve({ value: 'new', ttlMs: 1000 });
    expect(await pending).toBe('new');
    expect(cache.getFresh()).toBe('new');
  });

  it(`shares one load among ${CALLERS} concurrent callers`, async () => {
    const cache = new ManifestCache<string>({ clock: fakeClock().now });
    const load = controlledLoader<string>();
    const callers = Array.from({ length: CALLERS }, () => cache.getOrLoad(load.loader));
    await load.resolve({ value: 'new', ttlMs: 1000 });
    expect(await Promise.all(callers)).toEqual(Array(CALLERS).fill('new'));
    expect(load.calls).toBe(1);
  });

  it('rejects every waiting caller with the loader’s own error, records it once, and stays empty', async () => {
    const errors: unknown[] = [];
    const cache = new ManifestCache<string>({ clock: fakeClock().now, onError: (e) => errors.push(e) });
    const load = controlledLoader<string>();
    const outcomes = Array.from({ length: 3 }, () => cache.getOrLoad(load.loader).catch((e: unknown) => e));
    const failure = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await load.reject(failure);
    expect(await Promise.all(outcomes)).toEqual([failure, failure, failure]);
    expect(errors).toEqual([failure]);
    expect(cache.inspect()).toMatchObject({
      status: 'empty',
      loading: false,
      lastError: { name: 'Error', message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' },
    });
  });

  it('starts a new load on the next call after a failed one', async () => {
    const cache = new ManifestCache<string>({ clock: fakeClock().now });
    const load = controlledLoader<string>();
    const first = cache.getOrLoad(load.loader).catch((e: unknown) => e);
    await load.reject(new Error('down'));
    expect(await first).toMatchObject({ message: 'down' });
    const second = cache.getOrLoad(load.loader);
    await load.resolve({ value: 'back', ttlMs: 1000 });
    expect(await second).toBe('back');
    expect(load.calls).toBe(2);
  });

  it('treats a loader that throws synchronously as a failed load', async () => {
    const cache = new ManifestCache<string>({ clock: fakeClock().now });
    const failure = new Error('bad config');
    const loader: ManifestLoader<string> = () => {
      throw failure;
    };
    await expect(cache.getOrLoad(loader)).rejects.toBe(failure);
    expect(cache.inspect()).toMatchObject({ loading: false, lastError: { message: 'bad config' } });
  });

  it('rejects a loader result that is not { value, lifetime } with invalid_load_result', async () => {
    const cache = new ManifestCache<string>({ clock: fakeClock().now });
    const loader = (() => 'just-a-string') as unknown as ManifestLoader<string>;
    const error = await cache.getOrLoad(loader).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestCacheError);
    expect(error).toMatchObject({ code: 'invalid_load_result' });
    expect((error as Error).message).toContain('string');
    expect(cache.inspect().lastError).toMatchObject({
      name: 'ManifestCacheError',
      code: 'invalid_load_result',
    });
  });
});

describe('getOrLoad on a stale cache', () => {
  it('returns the stale value at once while exactly one background load runs', async () => {
    const cache = staleCache();
    const load = controlledLoader<string>();
    expect(await observe(cache.getOrLoad(load.loader))).toEqual({ status: 'fulfilled', value: 'old' });
    expect(load.calls).toBe(1);
    expect(cache.inspect()).toMatchObject({ status: 'stale', loading: true });

    expect(await observe(cache.getOrLoad(load.loader))).toEqual({ status: 'fulfilled', value: 'old' });
    expect(load.calls).toBe(1);

    await load.resolve({ value: 'new', ttlMs: 1000 });
    expect(cache.inspect()).toMatchObject({ status: 'fresh', loading: false });
    expect(await cache.getOrLoad(load.loader)).toBe('new');
    expect(load.calls).toBe(1);
  });

  it(`starts one background load for ${CALLERS} concurrent callers`, async () => {
    const cache = staleCache();
    const load = controlledLoader<string>();
    const callers = Array.from({ length: CALLERS }, () => cache.getOrLoad(load.loader));
    expect(await Promise.all(callers)).toEqual(Array(CALLERS).fill('old'));
    await flushMicrotasks();
    expect(load.calls).toBe(1);
    await load.resolve({ value: 'new', ttlMs: 1000 });
    expect(cache.get()).toBe('new');
  });

  it('keeps serving the stale value when the background load fails, and exposes the error', async () => {
    const clock = fakeClock();
    const errors: unknown[] = [];
    const cache = staleCache(clock, (e) => errors.push(e));
    const load = controlledLoader<string>();
    expect(await cache.getOrLoad(load.loader)).toBe('old');
    const failure = new Error('service map unreachable');
    await load.reject(failure);

    expect(errors).toEqual([failure]);
    expect(cache.get()).toBe('old');
    expect(cache.inspect()).toMatchObject({
      status: 'stale',
      loading: false,
      lastError: { name: 'Error', message: 'service map unreachable' },
      lastErrorAtMs: clock.now(),
    });
    expect(await cache.getOrLoad(load.loader)).toBe('old');
    expect(load.calls).toBe(2);
  });

  it('keeps the stale value when the loader returns an unusable lifetime', async () => {
    const cache = staleCache();
    const loader = (() => ({ value: 'new', ttlMs: -5 })) as ManifestLoader<string>;
    expect(await cache.getOrLoad(loader)).toBe('old');
    await flushMicrotasks();
    expect(cache.get()).toBe('old');
    expect(cache.inspect().lastError).toMatchObject({ code: 'invalid_ttl' });
    expect(cache.inspect().lastError?.message).toContain('ttlMs -5');
  });

  it('clears the last error after a successful load', async () => {
    const cache = staleCache();
    const load = controlledLoader<string>();
    await cache.getOrLoad(load.loader);
    await load.reject(new Error('blip'));
    expect(cache.inspect().lastError).not.toBeNull();
    await cache.getOrLoad(load.loader);
    await load.resolve({ value: 'new', ttlMs: 1000 });
    expect(cache.inspect()).toMatchObject({ lastError: null, lastErrorAtMs: null, status: 'fresh' });
  });

  it('ignores an onError that throws: the failure is recorded and callers see the loader’s error', async () => {
    const cache = staleCache(fakeClock(), () => {
      throw new Error('logger broke');
    });
    const load = controlledLoader<string>();
    expect(await cache.getOrLoad(load.loader)).toBe('old');
    await load.reject(new Error('down'));
    expect(cache.get()).toBe('old');
    expect(cache.inspect()).toMatchObject({ loading: false, lastError: { message: 'down' } });

    const failure = new Error('still down');
    expect(await cache.refresh(() => Promise.reject(failure)).catch((e: unknown) => e)).toBe(failure);
  });

  it('revalidates on every call when the value was stored with TTL 0', async () => {
    const cache = new ManifestCache<string>({ clock: fakeClock().now });
    cache.set('old', { ttlMs: 0 });
    const load = controlledLoader<string>();
    expect(await cache.getOrLoad(load.loader)).toBe('old');
    await load.resolve({ value: 'next', ttlMs: 0 });
    expect(await cache.getOrLoad(load.loader)).toBe('next');
    await flushMicrotasks();
    expect(load.calls).toBe(2);
  });
});
