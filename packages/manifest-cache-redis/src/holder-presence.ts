import { describeError, hasCode } from './errors.js';
import type { FleetStore } from './fleet-store.js';
import type { LeaseView } from './lease.js';
import type { RedisLogger } from './options.js';

/** What one check on a lease holder found. */
export type PresenceVerdict = 'present' | 'gone' | 'unknown';

/**
 * Tells whether a lease holder is still connected to Redis, and releases the lease of one that is gone.
 *
 * Every host subscribes to its own presence channel (`<prefix>host:<instanceId>`) on each connection of its
 * subscriber. When its process dies, even by SIGKILL, the kernel closes its sockets and Redis drops the
 * subscription at once, long before the lease it held expires: `PUBSUB NUMSUB` then answers 0.
 *
 * Conservative by construction: a holder is judged gone only after the same watch saw it present, so a holder that
 * never subscribes (notifications off, pub/sub blocked, a version without presence) keeps its lease until it
 * expires, as does one whose check Redis does not answer in time. Where Redis refuses `PUBSUB NUMSUB` (an ACL, a
 * proxy) it says so once, at info, and stops asking: the lease's expiry replaces a dead holder then.
 */
export class HolderPresence {
  readonly #logger: RedisLogger | undefined;
  #refused = false;

  constructor(logger: RedisLogger | undefined) {
    this.#logger = logger;
  }

  /** A watch over the holders one wait sees, in order: what it saw of the current holder is kept between checks. */
  watch(): PresenceWatch {
    return new PresenceWatch(this);
  }

  /** `store.presence`, with a refusal logged once and answered `unknown` from then on. */
  async count(store: FleetStore, holderId: string): Promise<number | undefined> {
    if (this.#refused) return undefined;
    try {
      return await store.presence(holderId);
    } catch (error) {
      if (!hasCode(error, 'redis_error')) throw error;
      this.#refused = true;
      this.log(
        { command: 'PUBSUB NUMSUB', err: describeError((error as Error).cause ?? error) },
        'Redis refused PUBSUB NUMSUB, so a lease holder that dies is replaced when its lease expires (leaseMs) ' +
          'instead of at once. Allow PUBSUB for this user to replace it at once.',
      );
      return undefined;
    }
  }

  log(details: object, message: string): void {
    try {
      this.#logger?.info?.(details, message);
    } catch {
      // Logging never breaks the store.
    }
  }
}

/** See {@link HolderPresence.watch}. */
export class PresenceWatch {
  readonly #presence: HolderPresence;
  #fence = 0;
  #seen = false;

  constructor(presence: HolderPresence) {
    this.#presence = presence;
  }

  /**
   * Checks `holder` once: `present` (and remembered), `gone` (seen present before, not any more), or `unknown`
   * (not seen yet, no answer in time, refused, or a lease this package did not write).
   *
   * @throws `ManifestCacheRedisError` as the store's calls, except that a slow answer is `unknown`
   */
  async check(store: FleetStore, holder: LeaseView): Promise<PresenceVerdict> {
    if (holder.fence <= 0) return 'unknown';
    if (holder.fence !== this.#fence) {
      this.#fence = holder.fence;
      this.#seen = false;
    }
    const count = await this.#presence.count(store, holder.holderId);
    if (count === undefined) return 'unknown';
    if (count > 0) {
      this.#seen = true;
      return 'present';
    }
    return this.#seen ? 'gone' : 'unknown';
  }

  /**
   * Releases `holder`'s lease (EVICT) when it is gone. Safe against a holder that is only cut off (partitioned,
   * paused, reconnecting): its fenced commit is refused once another host holds the lease.
   *
   * @returns `true` when the holder was found gone — its lease released here, or changed meanwhile (look again)
   */
  async releaseIfGone(store: FleetStore, holder: LeaseView): Promise<boolean> {
    if ((await this.check(store, holder)) !== 'gone') return false;
    if (await store.evict(holder)) {
      this.#presence.log(
        { holderId: holder.holderId, fence: holder.fence },
        'the refresh lease holder is gone from Redis (the host died?); released its lease to take over',
      );
    }
    return true;
  }
}
