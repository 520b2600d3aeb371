import type { ManifestLoader, ManifestLoadResult } from '@cortex-mcp/manifest-cache';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import { RedisManifestCache, type RedisManifestCacheOptions } from '../src/index.js';
import { type MapValue, mapCodec } from './fixtures/signed-map.mjs';
import { sharedRedisUrl } from './support/provided.js';

/** Epoch ms the tests' maps are generated around. */
export const T0 = 1_700_000_000_000;

let prefixCounter = 0;

/** A key prefix no other test (or test run) uses, so tests share one redis-server without seeing each other. */
export function uniquePrefix(): string {
  prefixCounter += 1;
  return `test:${process.pid}:${Date.now().toString(36)}:${prefixCounter}:`;
}

/** A clock the test moves by hand. */
export function fakeClock(startMs = T0) {
  let nowMs = startMs;
  return {
    now: (): number => nowMs,
    set(ms: number): void {
      nowMs = ms;
    },
    advance(ms: number): void {
      nowMs += ms;
    },
  };
}

/** A logger that records what it was told. */
export function recordingLogger() {
  const lines: Array<{ level: 'warn' | 'info'; message: string; details: object }> = [];
  return {
    lines,
    warn: (details: object, message: string) => lines.push({ level: 'warn', message, details }),
    info: (details: object, message: string) => lines.push({ level: 'info', message, details }),
    count: (level: 'warn' | 'info') => lines.filter((line) => line.level === level).length,
  };
}

const openCaches: RedisManifestCache<MapValue>[] = [];
const openClients: Redis[] = [];

afterEach(async () => {
  await Promise.all(openCaches.splice(0).map((cache) => cache.close()));
  await Promise.all(openClients.splice(0).map((client) => client.quit().catch(() => client.disconnect())));
});

export type TestCacheOptions = Partial<RedisManifestCacheOptions<MapValue>>;

/**
 * A map cache on the shared redis-server (or `url`), closed after the test. Polling is slow by default, so a
 * test that sees a change got it by notification unless it sets `pollIntervalMs`.
 */
export function newCache(options: TestCacheOptions & { keyPrefix: string }): RedisManifestCache<MapValue> {
  const codec = mapCodec();
  const cache = new RedisManifestCache<MapValue>({
    url: sharedRedisUrl(),
    verify: codec.verify,
    serialize: codec.serialize,
    leaseMs: 2_000,
    // A command that misses this timeout marks Redis down and sends the host to load alone — by design. These
    // tests mean a healthy Redis, so the budget must hold on a loaded 2-core CI machine (a 1 s one did not: a
    // follower's lease check timed out and it loaded alone). Outage tests set their own short timeout.
    commandTimeoutMs: 5_000,
    connectTimeoutMs: 1_000,
    maxReconnectDelayMs: 50,
    pollIntervalMs: 60_000,
    ...options,
  });
  openCaches.push(cache);
  return cache;
}

/** A plain Redis client for looking at (and tampering with) what the caches stored. Closed after the test. */
export function rawRedis(url = sharedRedisUrl()): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  openClients.push(client);
  return client;
}

/**
 * Waits until `check()` is truthy, checking after every change signal the test gives (or every few ms),
 * bounded by `timeoutMs`: a condition that never holds fails the test with `what`.
 */
export async function until<R>(check: () => R | Promise<R>, what: string, timeoutMs = 10_000): Promise<R> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A loader whose calls wait until the test settles them; counts calls and signals when one starts. */
export function controlledLoader() {
  const pending: Array<{
    resolve(result: ManifestLoadResult<MapValue>): void;
    reject(error: unknown): void;
  }> = [];
  let calls = 0;
  const loader: ManifestLoader<MapValue> = () => {
    calls += 1;
    return new Promise<ManifestLoadResult<MapValue>>((resolve, reject) => {
      pending.push({ resolve, reject });
    });
  };
  const next = async () => {
    const call = await until(() => pending.shift(), 'the loader to be called');
    if (call === undefined) throw new Error('unreachable: until() returns a truthy value');
    return call;
  };
  return {
    loader,
    get calls(): number {
      return calls;
    },
    /** Waits (bounded) until the loader has been called. */
    started: () => until(() => calls > 0, 'the loader to be called'),
    resolve: async (result: ManifestLoadResult<MapValue>) => (await next()).resolve(result),
    reject: async (error: unknown) => (await next()).reject(error),
  };
}

/** A loader that answers at once with `value`, counting calls. */
export function countingLoader(result: () => ManifestLoadResult<MapValue>) {
  const counter = {
    calls: 0,
    loader: (async () => {
      counter.calls += 1;
      return result();
    }) as ManifestLoader<MapValue>,
  };
  return counter;
}
