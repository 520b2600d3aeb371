import { type RedisServer, startRedisServer } from '@cortex-mcp/test-servers';
import { afterEach, describe, expect, it } from 'vitest';
import type { RedisHealth } from '../src/index.js';
import { loaded, mapValue } from './fixtures/signed-map.mjs';
import {
  countingLoader,
  fakeClock,
  newCache,
  rawRedis,
  recordingLogger,
  T0,
  type TestCacheOptions,
  uniquePrefix,
  until,
} from './helpers.js';

const TTL = 60_000;
const v1 = mapValue({ id: 'v1', generatedAtMs: T0, ttlMs: TTL });
const v2 = mapValue({ id: 'v2', generatedAtMs: T0 + TTL, ttlMs: TTL });
const v3 = mapValue({ id: 'v3', generatedAtMs: T0 + 2 * TTL, ttlMs: TTL });

const servers: RedisServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/** A redis-server of this test's own, so stopping it disturbs no other test. */
async function ownServer(): Promise<RedisServer> {
  const server = await startRedisServer();
  servers.push(server);
  return server;
}

/** A host on `server` whose logs and health changes are recorded. */
function observedHost(server: RedisServer, keyPrefix: string, options: TestCacheOptions = {}) {
  const logger = recordingLogger();
  const healthChanges: RedisHealth['status'][] = [];
  const cache = newCache({
    url: server.url,
    keyPrefix,
    logger,
    onHealthChange: (health) => healthChanges.push(health.status),
    ...options,
  });
  return { cache, logger, healthChanges };
}

describe('Redis down or unreachable', () => {
  it('falls back to memory and own loads with one warning, then rejoins and shares when Redis is back', async () => {
    const server = await ownServer();
    const keyPrefix = uniquePrefix();
    const clock = fakeClock(T0);
    const a = observedHost(server, keyPrefix, { clock: clock.now });
    const b = observedHost(server, keyPrefix, { clock: clock.now });
    await a.cache.connect();
    await b.cache.connect();
    await a.cache.getOrLoad(countingLoader(() => loaded(v1)).loader);
    await until(() => b.cache.get()?.id === 'v1', 'b to hold v1');

    await server.stop();
    await until(() => a.cache.health().status === 'down', 'a to see Redis down');
    expect(a.cache.get()).toEqual(v1); // served from memory
    expect(a.cache.fleetStatus().role).toBe('standalone');

    clock.set(v1.expiresAtMs);
    const ownLoad = countingLoader(() => loaded(v2));
    await expect(a.cache.refresh(ownLoad.loader)).resolves.toEqual(v2);
    for (let request = 0; request < 5; request += 1) await a.cache.getOrLoad(ownLoad.loader);
    expect(ownLoad.calls).toBe(1);
    await expect(a.cache.catalogue.read()).rejects.toMatchObject({ code: 'redis_unavailable' });
    expect(a.logger.count('warn')).toBe(1);
    expect(a.cache.health()).toMatchObject({ status: 'down', lastError: { message: expect.any(String) } });

    await server.start(); // empty: no persistence
    await until(() => a.cache.health().status === 'up' && b.cache.health().status === 'up', 'both to rejoin');
    await until(() => b.cache.get()?.id === 'v2', 'a to share v2 and b to take it');
    expect(await rawRedis(server.url).hget(`${keyPrefix}map`, 'text')).toBe(v2.text);
    expect(a.logger.lines.map((line) => line.level)).toEqual(['warn', 'info']);
    expect(a.healthChanges).toEqual(['up', 'down', 'up']);

    // Notifications flow again: a map b loads reaches a without a restart of either store.
    clock.set(v2.expiresAtMs);
    await b.cache.refresh(countingLoader(() => loaded(v3)).loader);
    await until(() => a.cache.get()?.id === 'v3', 'a to pick up v3');
  });

  it('an unresponsive Redis delays a load by at most the command timeout, then the host loads alone', async () => {
    const server = await ownServer();
    const host = observedHost(server, uniquePrefix(), { commandTimeoutMs: 150, pollIntervalMs: 50 });
    await host.cache.connect();
    server.pause();

    const load = countingLoader(() => loaded(v1));
    await expect(host.cache.getOrLoad(load.loader)).resolves.toEqual(v1);
    expect(load.calls).toBe(1);
    expect(host.cache.health()).toMatchObject({
      status: 'down',
      lastError: { message: 'Command timed out' },
    });
    expect(host.logger.count('warn')).toBe(1);

    server.resume();
    await until(() => host.cache.health().status === 'up', 'the next poll to find Redis answering again');
    await until(
      async () =>
        (await rawRedis(server.url).hget(`${host.cache.fleetStatus().keyPrefix}map`, 'text')) === v1.text,
      'the map loaded alone to be shared',
    );
  });

  it('connect() with Redis unreachable resolves at once as down, and the host joins when Redis appears', async () => {
    const server = await ownServer();
    await server.stop();
    const keyPrefix = uniquePrefix();
    const host = observedHost(server, keyPrefix);
    host.cache.set(v1, { expiresAtMs: v1.expiresAtMs });
    await expect(host.cache.connect()).resolves.toMatchObject({ status: 'down' });
    expect(host.cache.get()).toEqual(v1);
    expect(host.logger.count('warn')).toBe(1);
    // Loads and reads while it is down keep the connection's own error as the cause, for /status and the doctor.
    await expect(host.cache.catalogue.read()).rejects.toThrow(/not connected \(connect ECONNREFUSED/);
    expect(host.cache.health().lastError?.message).toMatch(/^connect ECONNREFUSED 127\.0\.0\.1:\d+$/);

    await server.start();
    await until(() => host.cache.health().status === 'up', 'the host to connect');
    await until(
      async () => (await rawRedis(server.url).hget(`${keyPrefix}map`, 'text')) === v1.text,
      'v1 shared',
    );
    expect(host.logger.lines.map((line) => line.level)).toEqual(['warn', 'info']);
  });
});
