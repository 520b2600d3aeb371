import type { Redis } from 'ioredis';
import { ManifestCacheRedisError, wrapRedisFailure } from './errors.js';
import type { HealthTracker } from './health.js';
import type { FleetKeys } from './keys.js';
import { type LeaseView, leaseView } from './lease-view.js';
import { ABANDON_LUA, ACQUIRE_LUA, COMMIT_LUA, EVICT_LUA, PEEK_LUA, RENEW_LUA } from './scripts.js';
import { parseStoredManifest, type StoredManifest } from './stored-manifest.js';

/** A lease this host holds: its fencing token travels with every write made under it. */
export interface HeldLease {
  /** `<fence>:<holderId>`, the value of the lease key. */
  readonly token: string;
  readonly fence: number;
}

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
  fleetAcquire: { lua: ACQUIRE_LUA, keys: 4 },
  fleetRenew: { lua: RENEW_LUA, keys: 2 },
  fleetCommit: { lua: COMMIT_LUA, keys: 3 },
  fleetAbandon: { lua: ABANDON_LUA, keys: 3 },
  fleetPeek: { lua: PEEK_LUA, keys: 3 },
  fleetEvict: { lua: EVICT_LUA, keys: 2 },
};

const toNumber = (value: unknown): number | null => {
  if (value === null || value === undefined || value === '') return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
};

const UNKNOWN_HOLDER: LeaseView = { holderId: 'unknown', fence: 0, remainingMs: -1, token: '', client: null };

/** This host's own Redis `CLIENT ID` on the store's connection; `null` when it is not known. */
export type OwnClientId = () => Promise<string | null>;

const unknownClient: OwnClientId = () => Promise.resolve(null);

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
  readonly #ownClientId: OwnClientId;

  /**
   * @param isClosed - once true, every call rejects with `closed` without touching Redis or health
   * @param ownClientId - this connection's `CLIENT ID`, recorded beside a lease this host takes or renews (default:
   *   none recorded, so only the lease's expiry replaces this host)
   */
  constructor(
    client: Redis,
    keys: FleetKeys,
    health: HealthTracker,
    isClosed: () => boolean,
    ownClientId: OwnClientId = unknownClient,
  ) {
    this.#client = client;
    this.#keys = keys;
    this.#health = health;
    this.#isClosed = isClosed;
    this.#ownClientId = ownClientId;
    for (const [name, script] of Object.entries(SCRIPTS)) {
      client.defineCommand(name, { lua: script.lua, numberOfKeys: script.keys });
    }
  }

  /** PEEK: the stored version and the lease, in one round trip. */
  async peek(): Promise<FleetSnapshot> {
    const { map, lease, leaseClient } = this.#keys;
    const reply = (await this.#script(
      'fleetPeek',
      'peeking at the fleet state',
      map,
      lease,
      leaseClient,
    )) as unknown[];
    return {
      version: toNumber(reply[0]),
      generatedAtMs: toNumber(reply[1]),
      failedFence: toNumber(reply[2]),
      lease: leaseView(reply[3], reply[4], reply[5]),
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
   * (`null` = none stored; `'any'` skips the check). Records this connection's `CLIENT ID` beside it.
   */
  async acquire(
    holderId: string,
    leaseMs: number,
    expectedVersion: number | null | 'any',
  ): Promise<AcquireResult> {
    const { lease, fence, map, leaseClient } = this.#keys;
    const expected =
      expectedVersion === 'any' ? '*' : expectedVersion === null ? '' : String(expectedVersion);
    const clientId = await this.#ownClientId();
    const reply = (await this.#script(
      'fleetAcquire',
      'taking the refresh lease',
      lease,
      fence,
      map,
      leaseClient,
      holderId,
      leaseMs,
      expected,
      clientId ?? '',
    )) as unknown[];
    if (reply[0] === 'acquired')
      return { outcome: 'acquired', lease: { token: String(reply[1]), fence: Number(reply[2]) } };
    if (reply[0] === 'changed') return { outcome: 'changed', version: toNumber(reply[1]) };
    return { outcome: 'held', holder: leaseView(reply[1], reply[2], reply[3]) ?? UNKNOWN_HOLDER };
  }

  /**
   * RENEW: extends the lease and records this connection's current `CLIENT ID` beside it (new after a reconnect);
   * `false` when this token no longer holds it.
   */
  async renew(held: HeldLease, leaseMs: number): Promise<boolean> {
    const clientId = await this.#ownClientId();
    const { lease, leaseClient } = this.#keys;
    const reply = await this.#script(
      'fleetRenew',
      'renewing the refresh lease',
      lease,
      leaseClient,
      held.token,
      leaseMs,
      clientId ?? '',
      held.fence,
    );
    return Number(reply) === 1;
  }

  /**
   * EVICT: releases `holder`'s lease, found with its Redis connection gone, if it is still exactly that lease with
   * that client record. `false` when it changed meanwhile (renewed from a new connection, released, taken over).
   */
  async evict(holder: LeaseView): Promise<boolean> {
    if (holder.client === null) return false;
    const { lease, leaseClient } = this.#keys;
    const reply = await this.#script(
      'fleetEvict',
      'releasing the lease of a holder that is gone',
      lease,
      leaseClient,
      holder.token,
      holder.client.record,
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
    const { lease, map, leaseClient, channel } = this.#keys;
    const replace = replaceVersion === undefined ? '' : `replace:${replaceVersion ?? ''}`;
    const reply = (await this.#script(
      'fleetCommit',
      'storing the new map',
      lease,
      map,
      leaseClient,
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
    const { lease, map, leaseClient, channel } = this.#keys;
    const reply = await this.#script(
      'fleetAbandon',
      'releasing the refresh lease',
      lease,
      map,
      leaseClient,
      held.token,
      held.fence,
      channel,
    );
    return Number(reply) === 1;
  }

  /** Runs a plain command with the same error handling (for the catalogue). */
  run<R>(what: string, command: (client: Redis) => Promise<R>): Promise<R> {
    return this.#run(what, () => command(this.#client));
  }

  /**
   * Runs an optional command whose failure says nothing about Redis's health (a liveness hint): unlike {@link run}
   * a timeout or a lost connection does not mark Redis down — that would send the host to load alone over one slow
   * answer — and resolves `undefined` ("cannot tell now"). A refusal (ReplyError) rejects with `redis_error`.
   */
  async probe<R>(what: string, command: (client: Redis) => Promise<R>): Promise<R | undefined> {
    if (this.#isClosed()) return undefined;
    try {
      return await command(this.#client);
    } catch (error) {
      const wrapped = wrapRedisFailure(error, what);
      if (wrapped.code === 'redis_error') throw wrapped;
      return undefined;
    }
  }

  #script(name: ScriptName, what: string, ...args: Array<string | number>): Promise<unknown> {
    const call = (this.#client as unknown as Record<ScriptName, ScriptCaller>)[name].bind(this.#client);
    return this.#run(what, () => call(...args));
  }

  async #run<R>(what: string, command: () => Promise<R>): Promise<R> {
    if (this.#isClosed()) {
      throw new ManifestCacheRedisError('closed', `Cannot finish ${what}: the store is closed.`);
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
