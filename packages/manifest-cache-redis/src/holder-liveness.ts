import type { Redis } from 'ioredis';
import { describeError, hasCode } from './errors.js';
import type { FleetStore } from './fleet-store.js';
import type { LeaseView } from './lease-view.js';
import type { RedisLogger } from './options.js';

/**
 * Tells whether a lease holder is alive by its Redis connection, and releases the lease of one that is gone: when a
 * process dies (even by SIGKILL) the kernel closes its sockets and Redis drops the client at once, long before the
 * lease it held expires. Also keeps this
 * host's own `CLIENT ID` — one per connection, so it is read again after every reconnect — for the lease this host
 * takes or renews, and tells a lease holder when its connection is new, so it can record the new id at once.
 *
 * Where Redis refuses `CLIENT ID` or `CLIENT LIST` (an ACL without them, a renamed command, a proxy that does not
 * pass them, Redis older than 6.2) it logs that once, at info, and answers "cannot tell" from then on: waiting
 * hosts then replace a dead holder when its lease expires, as without this check.
 */
export class HolderLiveness {
  readonly #client: Redis;
  readonly #logger: RedisLogger | undefined;
  readonly #onNewConnection = new Set<() => void>();
  #ownId: Promise<string | null> | undefined;
  #connection = 0;
  #idRefused = false;
  #listRefused = false;
  #logged = false;

  /** @param client - the connection whose `CLIENT ID` is recorded with the lease (the store's command connection) */
  constructor(client: Redis, logger: RedisLogger | undefined) {
    this.#client = client;
    this.#logger = logger;
    // First of all 'ready' listeners: nothing that runs on a new connection may record the old connection's id.
    client.prependListener('ready', () => {
      this.#connection += 1;
      this.#ownId = undefined;
    });
    client.on('ready', () => {
      for (const listener of [...this.#onNewConnection]) listener();
    });
  }

  /** This host's `CLIENT ID` on the current connection; `null` when unknown (not connected, refused). */
  ownClientId(): Promise<string | null> {
    if (this.#idRefused || this.#client.status !== 'ready') return Promise.resolve(null);
    if (this.#ownId === undefined) {
      const connection = this.#connection;
      this.#ownId = this.#client.client('ID').then(
        (id) => String(id),
        (error: unknown) => {
          if (isReplyError(error)) {
            this.#idRefused = true;
            this.#unavailable('CLIENT ID', error);
          } else if (this.#connection === connection) {
            this.#ownId = undefined; // no answer: ask again next time
          }
          return null;
        },
      );
    }
    return this.#ownId;
  }

  /**
   * Whether `holder`'s Redis connection is gone (`CLIENT LIST ID`). `false` when it is connected, when no
   * connection is recorded with its lease, and when Redis refuses to tell.
   *
   * A check Redis does not answer in time (or over a lost connection) counts as "cannot tell", never as gone.
   */
  async isGone(store: FleetStore, holder: LeaseView): Promise<boolean> {
    if (holder.client === null || this.#listRefused) return false;
    const clientId = holder.client.id;
    try {
      // A slow or lost answer is "cannot tell": it must neither evict a live holder nor mark Redis down.
      const clients = await store.probe("checking the lease holder's connection", (client) =>
        client.client('LIST', 'ID', clientId),
      );
      return clients !== undefined && String(clients).trim() === '';
    } catch (error) {
      if (!hasCode(error, 'redis_error')) throw error;
      this.#listRefused = true;
      this.#unavailable('CLIENT LIST', (error as Error).cause ?? error);
      return false;
    }
  }

  /**
   * Releases `holder`'s lease (EVICT) when its Redis connection is gone, so a waiting host can contend for it now
   * rather than when it expires. Safe against a holder that is not really dead (partitioned, paused): its fenced
   * commit is refused once another host holds the lease.
   *
   * @returns `true` when the holder was found gone — its lease released here, or changed meanwhile (look again);
   *   `false` when it is connected or Redis cannot tell
   */
  async releaseIfGone(store: FleetStore, holder: LeaseView): Promise<boolean> {
    if (!(await this.isGone(store, holder))) return false;
    if (await store.evict(holder)) {
      this.#log(
        { holderId: holder.holderId, fence: holder.fence, leaseRemainingMs: holder.remainingMs },
        "the refresh lease holder's Redis connection is gone (the host died?); released its lease to take over",
      );
    }
    return true;
  }

  /** Calls `listener` each time the connection is (again) ready; returns the function that stops it. */
  onNewConnection(listener: () => void): () => void {
    this.#onNewConnection.add(listener);
    return () => this.#onNewConnection.delete(listener);
  }

  #unavailable(command: string, error: unknown): void {
    if (this.#logged) return;
    this.#logged = true;
    this.#log(
      { command, err: describeError(error) },
      `Redis refused ${command}, so a lease holder that dies is replaced when its lease expires (leaseMs) ` +
        'instead of at once. Allow CLIENT ID and CLIENT LIST (Redis ≥ 6.2) for this user to replace it at once.',
    );
  }

  #log(details: object, message: string): void {
    try {
      this.#logger?.info?.(details, message);
    } catch {
      // Logging never breaks the store.
    }
  }
}

function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}
