import { describe, expect, it } from 'vitest';
import { ManifestCacheRedisError, RedisManifestCache, type RedisManifestCacheOptions } from '../src/index.js';
import { resolveOptions } from '../src/options.js';
import { type MapValue, mapCodec } from './fixtures/signed-map.mjs';

const codec = mapCodec();
const valid: RedisManifestCacheOptions<MapValue> = {
  url: 'redis://127.0.0.1:1',
  verify: codec.verify,
  serialize: codec.serialize,
};

function constructionError(options: Partial<RedisManifestCacheOptions<MapValue>>): unknown {
  try {
    new RedisManifestCache<MapValue>({ ...valid, ...options } as RedisManifestCacheOptions<MapValue>);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('options', () => {
  it.each([
    ['url', { url: 'http://127.0.0.1:6379' }, /redis:\/\//],
    ['verify', { verify: undefined }, /verify is required/],
    ['serialize', { serialize: undefined }, /serialize is required/],
    ['leaseMs', { leaseMs: 0 }, /leaseMs must be a positive integer/],
    ['commandTimeoutMs', { commandTimeoutMs: 1.5 }, /commandTimeoutMs/],
    ['pollIntervalMs', { pollIntervalMs: Number.NaN }, /pollIntervalMs/],
    ['leaseCheckIntervalMs', { leaseCheckIntervalMs: -1 }, /leaseCheckIntervalMs must be a positive integer/],
    ['keyPrefix', { keyPrefix: '' }, /keyPrefix/],
    ['instanceId', { instanceId: '' }, /instanceId/],
  ])('rejects an unusable %s with invalid_options', (_name, options, message) => {
    const error = constructionError(options as Partial<RedisManifestCacheOptions<MapValue>>);
    expect(error).toBeInstanceOf(ManifestCacheRedisError);
    expect(error).toMatchObject({ code: 'invalid_options', message: expect.stringMatching(message) });
  });

  it('checks a lease holder every quarter lease, at most every second, unless told otherwise', () => {
    const checkEvery = (options: Partial<RedisManifestCacheOptions<MapValue>>) =>
      resolveOptions({ ...valid, ...options }).leaseCheckIntervalMs;
    expect(checkEvery({})).toBe(1_000); // leaseMs 10000
    expect(checkEvery({ leaseMs: 3_000 })).toBe(750);
    expect(checkEvery({ leaseMs: 2 })).toBe(1);
    expect(checkEvery({ leaseMs: 3_000, leaseCheckIntervalMs: 50 })).toBe(50);
  });

  it('applies the documented defaults and never shows credentials', () => {
    const cache = new RedisManifestCache<MapValue>({ ...valid, url: 'redis://app:s3cret@127.0.0.1:1/2' });
    const status = cache.fleetStatus();
    expect(status).toMatchObject({ keyPrefix: 'cortex-mcp:', role: 'standalone', leaseHolder: null });
    expect(status.redis).toMatchObject({ status: 'down', lastError: null, target: 'redis://127.0.0.1:1/2' });
    expect(JSON.stringify(status)).not.toContain('s3cret');
    expect(cache.instanceId).toMatch(/^.+:\d+:[0-9a-z]{6}$/);
  });
});
