import type { Redis } from 'ioredis';
import { ManifestCacheRedisError, wrapRedisFailure } from './errors.js';
import type { HealthTracker } from './health.js';
import type { FleetKeys } from './keys.js';
import { type HeldLease, type LeaseView, leaseView, UNKNOWN_HOLDER } from './lease.js';
import { ABANDON_LUA, ACQUIRE_LUA, COMMIT_LUA, EVICT_LUA, PEEK_LUA, RENEW_LUA } from './scripts.js';
import { parseStoredManifest, type StoredManifest } from './stored-manifest.js';

/** One consistent look at the fleet (PEEK). `version` is `null` when no map is stored. */
export interface FleetSnapshot {
  readonly version: number | null;
  readonly generatedAtMs: number | null;
  /** Fence of the last refresh that failed (ABANDON), if any. */
  readonly failedFence: number | null;
  readonly lease: LeaseView | null;
}

/** What ACQUIRE answered. */
export type AcquireResult =
  | { readonly outcome: 'acquired'; readonly lease: HeldLease }
  | { readonly outcome: 'held'; readonly holder: LeaseView }
  | { readonly outcome: 'changed'; readonly version: number | null };

/** The map fields COMMIT stores besides the lease's fence. */
export interface CommitInput {
  readonly text: string;
  readonly generatedAtMs: number;
  readonly expiresAtMs: number;
  readonly fetchedAtMs: number;
  readonly etag?: string | undefined;
  readonly writerId: string;
}

/** A stored map read back: parsed, or described as malformed. `undefined` when none is stored. */
export type ReadResult =
  | { readonly manifest: StoredManifest }
  | { readonly problem: string; readonly version: number | null; readonly generatedAtMs: number | null }
  | undefined;

type ScriptName = 'fleetAcquire' | 'fleetRenew' | 'fleetCommit' | 'fleetAbandon' | 'fleetPeek' | 'fleetEvict';
type ScriptCaller = (...args: Array<string | number>) => Promise<unknown>;

const SCRIPTS: Record<ScriptName, { lua: string; keys: number }> = {
  fleetAcquire: { lua: ACQUIRE_LUA, keys: 3 },
  fleetRenew: { lua: RENEW_LUA, keys: 1 },
  fleetCommit: { lua: COMMIT_LUA, keys: 2 },
  fleetAbandon: { lua: ABANDON_LUA, keys: 2 },
  fleetPeek: { lua: PEEK_LUA, keys: 2 },
  fleetEvict: { lua: EVICT_LUA, keys: 1 },
};

const toNumber = (value: unknown): number | null => {
  if (value === null || value === undefined || value === '') return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
};

/**
 * The fleet's state in Redis, one atomic operation per method (see src/scripts.ts for each script's contract).
 * Every call is bounded by the connection's command timeout; a failure is a `redis_unavailable` or `redis_error`
 * `ManifestCacheRedisError`, and updates the health tracker (any answer means up, no answer means down).
 */
export class FleetStore {
  readonly #client: Redis;
  readonly #keys: FleetKeys;
  readonly #health: HealthTracker;
  readonly #isClosed: () => boolean;

  /** @param isClosed - once true, every call rejects with `closed` without touching Redis or health */
  constructor(client: Redis, keys: FleetKeys, health: HealthTracker, isClosed: () => boolean) {
    this.#client = client;
    this.#keys = keys;
    this.#health = health;
    this.#isClosed = isClosed;
    for (const [name, script] of Object.entries(SCRIPTS)) {
      client.defineCommand(name, { lua: script.lua, numberOfKeys: script.keys });
    }
  }

  /** PEEK: the stored version and the lease, in one round trip. */
  async peek(): Promise<FleetSnapshot> {
    const { map, lease } = this.#keys;
    const reply = (await this.#script('fleetPeek', 'peeking at the fleet state', map, lease)) as unknown[];
    return {
      version: toNumber(reply[0]),
      generatedAtMs: toNumber(reply[1]),
      failedFence: toNumber(reply[2]),
      lease: leaseView(reply[3], reply[4]),
    };
  }

  /** The stored map (parsed but NOT verified), a description of a malformed one, or `undefined`. */
  async read(): Promise<ReadResult> {
    const fields = await this.#run('reading the shared map', () => this.#client.hgetall(this.#keys.map));
    const parsed = parseStoredManifest(fields);
    if (parsed === undefined || 'manifest' in parsed) return parsed;
    return {
      problem: parsed.problem,
      version: toNumber(fields.fence),
      generatedAtMs: toNumber(fields.generatedAtMs),
    };
  }

  /**
   * ACQUIRE: takes the lease for `leaseMs` if it is free and the stored version is still `expectedVersion`
   * (`null` = none stored; `'any'` skips the check).
   */
  async acquire(
    holderId: string,
    leaseMs: number,
    expectedVersion: number | null | 'any',
  ): Promise<AcquireResult> {
    const { lease, fence, map } = this.#keys;
    const expected =
      expectedVersion === 'any' ? '*' : expectedVersion === null ? '' : String(expectedVersion);
    const reply = (await this.#script(
      'fleetAcquire',
      'taking the refresh lease',
      lease,
      fence,
      map,
      holderId,
      leaseMs,
      expected,
    )) as unknown[];
    if (reply[0] === 'acquired')
      return { outcome: 'acquired', lease: { token: String(reply[1]), fence: Number(reply[2]) } };
    if (reply[0] === 'changed') return { outcome: 'changed', version: toNumber(reply[1]) };
    return { outcome: 'held', holder: leaseView(reply[1], reply[2]) ?? UNKNOWN_HOLDER };
  }

  /** RENEW: extends the lease; `false` when this token no longer holds it. */
  async renew(held: HeldLease, leaseMs: number): Promise<boolean> {
    const reply = await this.#script(
      'fleetRenew',
      'renewing the refresh lease',
      this.#keys.lease,
      held.token,
      leaseMs,
    );
    return Number(reply) === 1;
  }

  /**
   * COMMIT: stores the map under `held`, releases the lease and publishes the new version.
   *
   * @param replaceVersion - a stored version this host read and rejected (failed verification): it may be
   *   overwritten whatever its generatedAtMs
   * @throws `ManifestCacheRedisError` `lease_lost` (fenced out) or `generated_at_regressed` (older than stored)
   */
  async commit(held: HeldLease, input: CommitInput, replaceVersion?: number | null): Promise<StoredManifest> {
    const { lease, map, channel } = this.#keys;
    const replace = replaceVersion === undefined ? '' : `replace:${replaceVersion ?? ''}`;
    const reply = (await this.#script(
      'fleetCommit',
      'storing the new map',
      lease,
      map,
      held.token,
      held.fence,
      input.text,
      input.generatedAtMs,
      String(input.expiresAtMs),
      input.fetchedAtMs,
      input.etag ?? '',
      input.writerId,
      channel,
      replace,
    )) as unknown[];
    if (reply[0] === 'lease_lost') {
      throw new ManifestCacheRedisError(
        'lease_lost',
        `The map write with fencing token ${held.fence} was refused: this host no longer holds the refresh lease ` +
          '(it expired or another host took over). The current holder’s map wins; raise leaseMs if loads take longer.',
      );
    }
    if (reply[0] === 'regressed') {
      throw new ManifestCacheRedisError(
        'generated_at_regressed',
        `The map write was refused: its generatedAt (${new Date(input.generatedAtMs).toISOString()}) is older than ` +
          `the fleet's (${describeMs(reply[1])}). A slow host or a rolled-back map server; the newer map stays.`,
      );
    }
    return { ...input, version: held.fence };
  }

  /** ABANDON: releases the lease after a failed refresh and tells waiting hosts; `false` if no longer held. */
  async abandon(held: HeldLease): Promise<boolean> {
    const { lease, map, channel } = this.#keys;
    const reply = await this.#script(
      'fleetAbandon',
      'releasing the refresh lease',
      lease,
      map,
      held.token,
      held.fence,
      channel,
    );
    return Number(reply) === 1;
  }

  /**
   * EVICT: releases `holder`'s lease if it is still that very lease (same fence and holder); `false` when it
   * changed meanwhile. Only for a holder found gone from Redis (see {@link FleetStore.presence}).
   */
  async evict(holder: LeaseView): Promise<boolean> {
    const token = `${holder.fence}:${holder.holderId}`;
    const reply = await this.#script(
      'fleetEvict',
      "releasing a gone holder's lease",
      this.#keys.lease,
      token,
    );
    return Number(reply) === 1;
  }

  /**
   * How many connections are subscribed to host `instanceId`'s presence channel (`PUBSUB NUMSUB`): 0 once the host
   * is gone from Redis. A hint, so unlike the other calls a slow answer or a lost connection does not mark Redis
   * down (that would send this host to load alone over one slow answer): it resolves `undefined`, "cannot tell".
   *
   * @throws `ManifestCacheRedisError` `redis_error` when Redis refuses the command (an ACL, a proxy)
   */
  async presence(instanceId: string): Promise<number | undefined> {
    if (this.#isClosed() || this.#offline()) return undefined;
    let reply: unknown;
    try {
      reply = await this.#client.pubsub('NUMSUB', this.#keys.presence(instanceId));
    } catch (error) {
      const wrapped = wrapRedisFailure(error, 'checking whether the lease holder is connected');
      if (wrapped.code === 'redis_error') throw wrapped;
      return undefined;
    }
    const count = Array.isArray(reply) ? Number(reply[1]) : Number.NaN;
    return Number.isInteger(count) && count >= 0 ? count : undefined;
  }

  /** Runs a plain command with the same error handling (for the catalogue). */
  run<R>(what: string, command: (client: Redis) => Promise<R>): Promise<R> {
    return this.#run(what, () => command(this.#client));
  }

  /** Not connected, and a command would not be queued: ioredis would refuse it ("Stream isn't writeable"). */
  #offline(): boolean {
    return this.#client.status !== 'ready' && this.#client.options.enableOfflineQueue === false;
  }

  #script(name: ScriptName, what: string, ...args: Array<string | number>): Promise<unknown> {
    const call = (this.#client as unknown as Record<ScriptName, ScriptCaller>)[name].bind(this.#client);
    return this.#run(what, () => call(...args));
  }

  async #run<R>(what: string, command: () => Promise<R>): Promise<R> {
    if (this.#isClosed()) {
      throw new ManifestCacheRedisError('closed', `Cannot finish ${what}: the store is closed.`);
    }
    if (this.#offline()) {
      // Not sent (ioredis would refuse it the same way): the connection's own error already marked Redis down, and stays the recorded cause (a command
      // refused for want of a connection would only hide it behind "Stream isn't writeable").
      const cause = this.#health.current.lastError?.message ?? 'still connecting';
      throw new ManifestCacheRedisError(
        'redis_unavailable',
        `Redis did not answer ${what}: not connected (${cause}). Serving from memory until it is back.`,
      );
    }
    let result: R;
    try {
      result = await command();
    } catch (error) {
      const wrapped = wrapRedisFailure(error, what);
      if (this.#isClosed()) throw wrapped; // closing mid-command is not an outage
      if (wrapped.code === 'redis_unavailable') this.#health.markDown(error);
      else this.#health.markUp();
      throw wrapped;
    }
    this.#health.markUp();
    return result;
  }
}

function describeMs(value: unknown): string {
  const ms = Number(value);
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(value);
}
