import type { ManifestLoader, ManifestLoadResult } from '@cortex-mcp/manifest-cache';
import type { ChangeSignal } from './change-signal.js';
import { hasCode, ManifestCacheRedisError } from './errors.js';
import type { FleetSnapshot, FleetStore } from './fleet-store.js';
import { type Held, isNews, isOlder, loadedExpiry } from './held.js';
import type { HolderPresence } from './holder-presence.js';
import type { HeldLease, LeaseView } from './lease.js';
import { startLeaseHeartbeat } from './lease-heartbeat.js';
import type { FleetTimers } from './options.js';
import type { SharedReader, SharedView } from './shared-reader.js';
import type { ManifestText } from './stored-manifest.js';

/** What a fleet load hands to the local `ManifestCache`. */
export type HeldLoadResult<T> = ManifestLoadResult<Held<T>>;

/** What {@link FleetRefresh} needs from the cache that owns it. */
export interface FleetRefreshContext<T> {
  readonly instanceId: string;
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  readonly leaseCheckIntervalMs: number;
  readonly followerWaitMs: number;
  readonly clock: () => number;
  readonly timers: FleetTimers;
  readonly serialize: (value: T) => ManifestText;
  readonly reader: SharedReader<T>;
  readonly signal: ChangeSignal;
  readonly presence: HolderPresence;
  /** The store when Redis is connected and answering; `undefined` means "on our own". */
  usableStore(): FleetStore | undefined;
  /** The value this host holds. */
  local(): Held<T> | undefined;
  setLeading(lease: HeldLease | undefined): void;
  observeLease(lease: LeaseView | null): void;
  report(error: unknown): void;
}

/** Safety bound on decision rounds of one load; the follower deadline normally ends it long before. */
const MAX_ROUNDS = 50;
/** Safety bound on lease checks while following. */
const MAX_CHECKS = 10_000;
/** Shortest wait between lease checks, so a lease about to expire cannot cause a busy loop. */
const MIN_WAIT_MS = 5;
/** Checked just after the lease's own expiry (server PTTL), so an expired lease is taken without delay. */
const LEASE_SLACK_MS = 5;

type FollowOutcome = 'changed' | 'failed' | 'free' | 'timeout';
type LeadOutcome<T> =
  | { readonly done: true; readonly result: HeldLoadResult<T> }
  | { readonly done: false; readonly error: ManifestCacheRedisError };

const ignore = (): void => {};

/**
 * One load as a member of the fleet. Each round: look at the shared map; take it if it is fresh news to this host;
 * otherwise try to take the lease (only if the map is still the version just seen). The winner loads, and commits
 * under its fencing token; the others follow — wait for a notification, a lease check, or the lease's own expiry —
 * and then look again. A holder that dies is gone from Redis at once (its presence channel loses its subscriber):
 * the next lease check releases its lease and the next round takes over; where that cannot be told, the lease
 * expires instead.
 * Without Redis (down, closed, or any Redis failure along the way) the host loads on its own.
 */
export class FleetRefresh<T> {
  readonly #ctx: FleetRefreshContext<T>;

  constructor(context: FleetRefreshContext<T>) {
    this.#ctx = context;
  }

  /** The loader for the local `ManifestCache`: resolves with a value (shared or loaded) and its lifetime. */
  async load(loader: ManifestLoader<T>): Promise<HeldLoadResult<T>> {
    const store = this.#ctx.usableStore();
    if (store === undefined) return this.#alone(loader);
    let fleetError: unknown;
    try {
      return await this.#withFleet(store, loader);
    } catch (error) {
      if (!hasCode(error, 'redis_unavailable', 'redis_error', 'closed')) throw error;
      fleetError = error;
    }
    if (hasCode(fleetError, 'redis_error')) this.#ctx.report(fleetError);
    return this.#alone(loader);
  }

  async #withFleet(store: FleetStore, loader: ManifestLoader<T>): Promise<HeldLoadResult<T>> {
    const deadline = this.#startDeadline();
    let giveUp: ManifestCacheRedisError | undefined;
    // Set once the fleet stored a new map during this load: that map is this round's refresh, even if it was
    // already stale when fetched (its producer stopped regenerating it) — loading again would not help.
    let fleetRefreshed = false;
    try {
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const snapshot = await this.#peek(store);
        const shared = await this.#ctx.reader.view(store, snapshot);
        const held = shared.held;
        const news = held !== undefined && isNews(held, this.#ctx.local());
        // Fresh news: another host already refreshed. Stale news only once this load saw a refresh or a failure.
        if (news && (this.#isFresh(held) || fleetRefreshed || giveUp !== undefined)) {
          return { value: held, expiresAtMs: held.expiresAtMs };
        }
        if (giveUp !== undefined) throw giveUp;
        if (deadline.expired) throw this.#timeout();
        const attempt = await store.acquire(this.#ctx.instanceId, this.#ctx.leaseMs, snapshot.version);
        if (attempt.outcome === 'changed') {
          fleetRefreshed = true;
          continue;
        }
        if (attempt.outcome === 'acquired') {
          const led = await this.#lead(store, loader, attempt.lease, shared);
          if (led.done) return led.result;
          giveUp = led.error;
          continue;
        }
        const followed = await this.#follow(store, attempt.holder, snapshot, deadline);
        if (followed === 'changed') fleetRefreshed = true;
        if (followed === 'failed') giveUp = leaderFailed(attempt.holder);
        if (followed === 'timeout') giveUp = this.#timeout();
      }
      throw this.#timeout();
    } finally {
      deadline.cancel();
    }
  }

  async #peek(store: FleetStore): Promise<FleetSnapshot> {
    const snapshot = await store.peek();
    this.#ctx.observeLease(snapshot.lease);
    return snapshot;
  }

  /**
   * Waits for the lease holder's outcome: a new version, its failure, the lease gone (released, expired, or
   * released here because its holder is gone from Redis), or the deadline.
   */
  async #follow(
    store: FleetStore,
    holder: LeaseView,
    seen: FleetSnapshot,
    deadline: { readonly expired: boolean },
  ): Promise<FollowOutcome> {
    const { pollIntervalMs, leaseCheckIntervalMs } = this.#ctx;
    // Seen present now, so that a holder that dies while this host waits is recognised as gone.
    const presence = this.#ctx.presence.watch();
    if (await presence.releaseIfGone(store, holder)) return 'free';
    let current = holder;
    for (let check = 0; check < MAX_CHECKS; check += 1) {
      // Wake at the next lease check, or just after the lease's own expiry (a lease with no expiry is not ours).
      const untilLeaseEnds = current.remainingMs >= 0 ? current.remainingMs + LEASE_SLACK_MS : Infinity;
      const checkInMs = Math.min(pollIntervalMs, leaseCheckIntervalMs, untilLeaseEnds);
      await this.#ctx.signal.wait(Math.max(MIN_WAIT_MS, checkInMs));
      if (deadline.expired) return 'timeout';
      const live = this.#ctx.usableStore();
      // Closed, or Redis went down meanwhile: load() falls back to this host's own load.
      if (live === undefined) {
        throw new ManifestCacheRedisError(
          'redis_unavailable',
          'Redis went away while waiting for the lease holder.',
        );
      }
      const next = await this.#peek(live);
      if (next.version !== seen.version) return 'changed';
      if (current.fence > 0 && next.failedFence !== null && next.failedFence >= current.fence)
        return 'failed';
      if (next.lease === null) return 'free';
      if (await presence.releaseIfGone(live, next.lease)) return 'free';
      current = next.lease;
    }
    return 'timeout';
  }

  async #lead(
    store: FleetStore,
    loader: ManifestLoader<T>,
    lease: HeldLease,
    shared: SharedView<T>,
  ): Promise<LeadOutcome<T>> {
    const ctx = this.#ctx;
    ctx.setLeading(lease);
    const stopHeartbeat = startLeaseHeartbeat(store, lease, ctx.leaseMs, ctx.timers);
    try {
      let result: unknown;
      try {
        result = await loader();
      } finally {
        stopHeartbeat();
      }
      return await this.#commit(store, lease, result, shared);
    } catch (error) {
      // Tell the followers the refresh failed, so they stop waiting and keep their value.
      await store.abandon(lease).catch(ignore);
      throw error;
    } finally {
      ctx.setLeading(undefined);
    }
  }

  async #commit(
    store: FleetStore,
    lease: HeldLease,
    result: unknown,
    shared: SharedView<T>,
  ): Promise<LeadOutcome<T>> {
    const ctx = this.#ctx;
    const prepared = this.#prepare(result);
    if (prepared === undefined) {
      await store.abandon(lease).catch(ignore);
      return { done: true, result: result as HeldLoadResult<T> }; // ManifestCache rejects it with its own error
    }
    const { held, text, fetchedAtMs } = prepared;
    const input = { ...text, expiresAtMs: held.expiresAtMs, fetchedAtMs, writerId: ctx.instanceId };
    try {
      // A stored map that failed verification may be replaced whatever its (untrusted) generatedAtMs says.
      const stored = await store.commit(lease, input, shared.rejection ? shared.version : undefined);
      const committed: Held<T> = { ...held, version: stored.version };
      ctx.reader.remember({
        version: stored.version,
        generatedAtMs: committed.generatedAtMs,
        held: committed,
        writerId: ctx.instanceId,
      });
      return { done: true, result: { value: committed, expiresAtMs: committed.expiresAtMs } };
    } catch (error) {
      if (hasCode(error, 'generated_at_regressed', 'lease_lost')) {
        // Another host's map wins: the next round takes it (even stale), or fails with this error.
        if (hasCode(error, 'lease_lost')) ctx.report(error);
        else await store.abandon(lease).catch(ignore);
        return { done: false, error: error as ManifestCacheRedisError };
      }
      if (!hasCode(error, 'redis_unavailable', 'redis_error', 'closed')) throw error;
      // Redis went away after the load: the value is good (the loader verified it), keep it locally.
      ctx.report(error);
      return { done: true, result: { value: held, expiresAtMs: held.expiresAtMs } };
    }
  }

  /** Loads without the fleet (Redis down or closed): this host's own fetch, as a single host would. */
  async #alone(loader: ManifestLoader<T>): Promise<HeldLoadResult<T>> {
    const result = await loader();
    const prepared = this.#prepare(result);
    return prepared === undefined
      ? (result as HeldLoadResult<T>)
      : { value: prepared.held, expiresAtMs: prepared.held.expiresAtMs };
  }

  /** Turns a loader result into a held value; `undefined` when its shape is invalid (left to ManifestCache). */
  #prepare(result: unknown): { held: Held<T>; text: ManifestText; fetchedAtMs: number } | undefined {
    const fetchedAtMs = this.#ctx.clock();
    const expiresAtMs = loadedExpiry(result, fetchedAtMs);
    if (expiresAtMs === undefined) return undefined;
    const value = (result as { value: T }).value;
    const text = this.#ctx.serialize(value);
    const held: Held<T> = { value, generatedAtMs: text.generatedAtMs, expiresAtMs, version: null };
    const local = this.#ctx.local();
    if (isOlder(held, local)) {
      throw new ManifestCacheRedisError(
        'generated_at_regressed',
        `The loaded map (generatedAt ${new Date(held.generatedAtMs).toISOString()}) is older than the one this ` +
          `host holds (${new Date(local?.generatedAtMs ?? 0).toISOString()}); keeping the newer one. ` +
          "Check the map server's deployment.",
      );
    }
    return { held, text, fetchedAtMs };
  }

  #isFresh(held: Held<T>): boolean {
    return this.#ctx.clock() < held.expiresAtMs;
  }

  #timeout(): ManifestCacheRedisError {
    return new ManifestCacheRedisError(
      'leader_timeout',
      `No new map arrived from the host holding the refresh lease within followerWaitMs ` +
        `(${this.#ctx.followerWaitMs} ms); keeping the current map. Check that host's logs.`,
    );
  }

  /** A timer that marks the follower deadline and wakes any wait, using the injected timers. */
  #startDeadline(): { readonly expired: boolean; cancel(): void } {
    const { timers, signal, followerWaitMs } = this.#ctx;
    let expired = false;
    const handle = timers.setTimeout(() => {
      expired = true;
      signal.notify();
    }, followerWaitMs);
    return {
      get expired() {
        return expired;
      },
      cancel: () => timers.clearTimeout(handle),
    };
  }
}

function leaderFailed(holder: LeaseView): ManifestCacheRedisError {
  return new ManifestCacheRedisError(
    'leader_failed',
    `The host holding the refresh lease (${holder.holderId}, fence ${holder.fence}) failed to refresh the map; ` +
      'keeping the current map. The next scheduled refresh tries again.',
  );
}
