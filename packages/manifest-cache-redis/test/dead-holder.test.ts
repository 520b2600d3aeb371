// A lease holder that dies is replaced as soon as it is gone from Redis (its presence channel loses its subscriber),
// not when its lease expires; a live one keeps its lease however often it is checked; a holder that was never seen
// present, or a Redis that refuses the check, leaves the lease's expiry to replace a dead holder.
import { type RedisServer, startRedisServer } from '@cortex-mcp/test-servers';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { loaded, mapValue } from './fixtures/signed-map.mjs';
import {
  controlledLoader,
  countingLoader,
  newCache,
  rawRedis,
  recordingLogger,
  type TestCacheOptions,
  uniquePrefix,
  until,
} from './helpers.js';
import { type HostProcess, startHostProcess } from './host-process.js';
import { sharedRedisUrl } from './support/provided.js';

// The child processes use the real clock, so the maps are dated around now.
const TTL = 60_000;
/** The lease of the SIGKILL test; renewals come every third of it. */
const LEASE_MS = 6_000;
/** For the fallback tests, where the takeover must come from the expiry. */
const SHORT_LEASE_MS = 1_500;
const EVICTED = 'released its lease to take over';
const REFUSED = 'Redis refused PUBSUB NUMSUB';

const hosts: HostProcess[] = [];
const servers: RedisServer[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/** A redis-server of this test's own (its command counts and ACLs are the test's alone). */
async function ownServer(): Promise<RedisServer> {
  const server = await startRedisServer();
  servers.push(server);
  return server;
}

/** Stores a map that is already stale on the real clock, so every host's next refresh must replace it. */
async function seedStaleMap(url: string, keyPrefix: string) {
  const stale = mapValue({ id: 'stale', generatedAtMs: Date.now() - 2 * TTL, ttlMs: TTL });
  const seeder = newCache({ url, keyPrefix });
  await seeder.connect();
  await seeder.refresh(countingLoader(() => loaded(stale)).loader);
  await seeder.close();
}

/** A host process that takes the lease and hangs in its load, and its fencing token. */
async function hangingLeader(url: string, keyPrefix: string, leaseMs: number) {
  await seedStaleMap(url, keyPrefix);
  const host = await startHostProcess(url, keyPrefix, leaseMs, 'doomed');
  hosts.push(host);
  host.send({ cmd: 'refresh', hang: true, map: null });
  const { fence } = await host.next((line) => line.loading === true);
  return { host, fence: fence ?? 0 };
}

/** A host (in this process) whose refresh waits on the hanging leader; resolves once it follows it. */
async function waitingSurvivor(url: string, keyPrefix: string, leaseMs: number) {
  const logger = recordingLogger();
  const survivor = newCache({ url, keyPrefix, leaseMs, logger });
  await survivor.connect();
  const fresh = mapValue({ id: 'fresh', generatedAtMs: Date.now(), ttlMs: TTL });
  const refreshing = survivor.refresh(countingLoader(() => loaded(fresh)).loader);
  await until(() => survivor.fleetStatus().leaseHolder?.holderId === 'doomed', 'the survivor to follow');
  return { survivor, logger, fresh, refreshing };
}

const infoLines = (logger: ReturnType<typeof recordingLogger>, text: string) =>
  logger.lines.filter((line) => line.level === 'info' && line.message.includes(text));

/** How many `PUBSUB NUMSUB` commands the server has run. */
async function presenceChecks(redis: Redis): Promise<number> {
  const stats = await redis.info('commandstats');
  return Number(/cmdstat_pubsub\|numsub:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

/**
 * A live leader (in this process) slow in its load, and a follower checking on it every 20 ms; `finish()` lets the
 * leader's map through and checks that both end with it and that the follower never loaded on its own.
 */
async function slowLeaderWithFollower(leaderOptions: TestCacheOptions, leaseMs: number) {
  const server = await ownServer();
  const keyPrefix = uniquePrefix();
  const logger = recordingLogger();
  const leader = newCache({ url: server.url, keyPrefix, leaseMs, ...leaderOptions });
  const follower = newCache({ url: server.url, keyPrefix, leaseMs, leaseCheckIntervalMs: 20, logger });
  await Promise.all([leader.connect(), follower.connect()]);
  const slow = controlledLoader();
  const leading = leader.refresh(slow.loader);
  await slow.started();
  const ownLoad = countingLoader(() =>
    loaded(mapValue({ id: 'own', generatedAtMs: Date.now(), ttlMs: TTL })),
  );
  const following = follower.refresh(ownLoad.loader);
  const redis = rawRedis(server.url);
  return {
    leader,
    follower,
    logger,
    redis,
    lease: await redis.get(`${keyPrefix}lease`),
    leaseNow: () => redis.get(`${keyPrefix}lease`),
    presenceChannel: `${keyPrefix}host:${leader.instanceId}`,
    /** Waits (bounded) until the follower has checked on the holder `count` times. */
    checked: (count: number) =>
      until(
        async () => (await presenceChecks(redis)) >= count,
        'the follower to check on the holder',
        15_000,
      ),
    async finish() {
      const slowMap = mapValue({ id: 'slow', generatedAtMs: Date.now(), ttlMs: TTL });
      await slow.resolve(loaded(slowMap));
      await expect(leading).resolves.toEqual(slowMap);
      await expect(following).resolves.toEqual(slowMap);
      expect(ownLoad.calls).toBe(0);
    },
  };
}

describe('a lease holder that dies', () => {
  it('SIGKILLed right after renewing its lease, is replaced without waiting for that lease to expire', async (context) => {
    const url = sharedRedisUrl();
    const keyPrefix = uniquePrefix();
    const { host: doomed, fence } = await hangingLeader(url, keyPrefix, LEASE_MS);
    const { survivor, logger, fresh, refreshing } = await waitingSurvivor(url, keyPrefix, LEASE_MS);

    // The worst moment: just after a renewal (not the first write), when the dead holder's lease has a whole
    // period left to run.
    const redis = rawRedis(url);
    const pttl = () => redis.pttl(`${keyPrefix}lease`);
    await until(async () => (await pttl()) < LEASE_MS - 200, 'the lease to age');
    const remainingAtKillMs = await until(async () => {
      const remaining = await pttl();
      return remaining >= LEASE_MS - 30 ? remaining : 0;
    }, 'the holder to renew its lease');
    const killedAt = Date.now();
    await doomed.kill();

    await expect(refreshing).resolves.toEqual(fresh);
    const takeoverMs = Date.now() - killedAt;
    // Recorded for the report (test-results/vitest.json); the e2e fleet test holds the bound.
    Object.assign(context.task.meta, { takeoverMs, leaseMs: LEASE_MS, remainingAtKillMs });
    // Released because its holder was gone, not taken after it expired (an expired lease is taken silently).
    expect(infoLines(logger, EVICTED)).toEqual([
      expect.objectContaining({ details: { holderId: 'doomed', fence } }),
    ]);
    expect(await redis.hmget(`${keyPrefix}map`, 'writerId', 'fence')).toEqual([
      survivor.instanceId,
      String(fence + 1),
    ]);
  });

  it('that is alive but slow keeps its lease however often waiting hosts check on it', async () => {
    const leaseMs = 300;
    const fleet = await slowLeaderWithFollower({}, leaseMs);
    // 45 checks at 20 ms: three lease periods, none of which a dead holder's lease would have outlived.
    await fleet.checked(45);
    expect(await fleet.leaseNow()).toBe(fleet.lease);
    expect(fleet.follower.fleetStatus()).toMatchObject({
      role: 'follower',
      leaseHolder: { holderId: fleet.leader.instanceId },
    });
    await fleet.finish();
  });
});

describe('where presence cannot be told, the lease expiry decides', () => {
  it('a live holder never seen present (notifications off) keeps its lease, though no one is subscribed', async () => {
    const fleet = await slowLeaderWithFollower({ notifications: false }, SHORT_LEASE_MS);
    expect(await fleet.redis.pubsub('NUMSUB', fleet.presenceChannel)).toEqual([fleet.presenceChannel, 0]);
    await fleet.checked(30);
    expect(await fleet.leaseNow()).toBe(fleet.lease);
    expect(infoLines(fleet.logger, EVICTED)).toEqual([]);
    await fleet.finish();
  });

  it('with PUBSUB NUMSUB denied by an ACL, a dead holder is replaced when its lease expires, logged once', async () => {
    const server = await ownServer();
    const admin = rawRedis(server.url);
    await admin.call('ACL', 'SETUSER', 'watcher', 'on', '>watcher-pw', '~*', '&*', '+@all', '-pubsub|numsub');
    const keyPrefix = uniquePrefix();
    const { host: doomed, fence } = await hangingLeader(server.url, keyPrefix, SHORT_LEASE_MS);
    const restricted = server.url.replace('redis://', 'redis://watcher:watcher-pw@');
    const { survivor, logger, fresh, refreshing } = await waitingSurvivor(
      restricted,
      keyPrefix,
      SHORT_LEASE_MS,
    );

    await doomed.kill();
    await expect(refreshing).resolves.toEqual(fresh);
    expect(await admin.hmget(`${keyPrefix}map`, 'writerId', 'fence')).toEqual([
      survivor.instanceId,
      String(fence + 1),
    ]);
    expect(infoLines(logger, EVICTED)).toEqual([]);
    expect(infoLines(logger, REFUSED)).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ command: 'PUBSUB NUMSUB' }) }),
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain('watcher-pw');
  });
});
