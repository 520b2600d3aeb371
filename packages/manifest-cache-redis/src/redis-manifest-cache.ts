import { hostname } from 'node:os';
import {
  ManifestCache,
  type ManifestCacheLike,
  type ManifestCacheState,
  type ManifestLifetime,
  type ManifestLoader,
} from '@cortex-mcp/manifest-cache';
import { ChangeSignal } from './change-signal.js';
import { ManifestCacheRedisError } from './errors.js';
import { FleetRefresh } from './fleet-refresh.js';
import type { FleetStatus } from './fleet-status.js';
import { FleetStore } from './fleet-store.js';
import { FleetSync } from './fleet-sync.js';
import { HealthTracker } from './health.js';
import { type Held, loadedExpiry } from './held.js';
import { HolderPresence } from './holder-presence.js';
import { fleetKeys } from './keys.js';
import { LeaseTracker } from './lease-tracker.js';
import {
  describeRedisUrl,
  type RedisHealth,
  type RedisManifestCacheOptions,
  type ResolvedOptions,
  resolveOptions,
} from './options.js';
import { RedisConnections } from './redis-connections.js';
import { SharedCatalogue } from './shared-catalogue.js';
import { SharedReader } from './shared-reader.js';

type Lifecycle = 'new' | 'connecting' | 'connected' | 'closed';

/**
 * A `ManifestCache` shared by a fleet of hosts through one Redis, with the same fresh / stale / empty semantics,
 * lifetimes, stale-while-revalidate, stale-if-error and single flight — and a plain in-memory cache when Redis is
 * down (or before `connect()`, or after `close()`).
 *
 * - Reads never wait on Redis: `get`/`getFresh`/`inspect` answer from memory; the memory copy follows the fleet
 *   through notifications and polling.
 * - Every value from Redis passes `verify` first; a rejected one is reported and the last good value stays.
 * - A load (`getOrLoad` on stale/empty, `refresh`) takes the shared map when it is fresh news; otherwise exactly one
 *   host takes the refresh lease and runs its loader, and the others wait for its map. Writes are fenced and never
 *   store a map older than the stored one.
 * - `catalogue` shares each connector's tool list.
 *
 * @typeParam T - the served value (e.g. the verified service map)
 */
export class RedisManifestCache<T> implements ManifestCacheLike<T> {
  /** This host's name in the lease and in written maps. */
  readonly instanceId: string;
  /** Each connector's tool list, shared through Redis. */
  readonly catalogue: SharedCatalogue;
  readonly #options: ResolvedOptions<T>;
  readonly #target: string;
  readonly #local: ManifestCache<Held<T>>;
  readonly #health: HealthTracker;
  readonly #connections: RedisConnections;
  readonly #store: FleetStore;
  readonly #reader: SharedReader<T>;
  readonly #signal: ChangeSignal;
  readonly #refresh: FleetRefresh<T>;
  #state: Lifecycle = 'new';
  #connecting: Promise<RedisHealth> | undefined;
  readonly #leases: LeaseTracker;
  readonly #sync: FleetSync<T>;

  /**
   * Creates the cache; nothing touches the network until {@link RedisManifestCache.connect}.
   *
   * @throws `ManifestCacheRedisError` `invalid_options` naming the first unusable option
   */
  constructor(options: RedisManifestCacheOptions<T>) {
    const o = resolveOptions(options);
    this.#options = o;
    this.instanceId = o.instanceId ?? defaultInstanceId(o.random);
    this.#target = describeRedisUrl(o.url);
    this.#leases = new LeaseTracker(this.instanceId, o.clock);
    const keys = fleetKeys(o.keyPrefix);
    this.#health = new HealthTracker({
      clock: o.clock,
      logger: o.logger,
      onChange: o.onHealthChange,
      describeTarget: this.#target,
    });
    this.#connections = new RedisConnections(
      { ...o, channel: keys.channel, presenceChannel: keys.presence(this.instanceId) },
      this.#health,
      () => this.#onReady(),
      (message) => this.#onMessage(message),
    );
    this.#store = new FleetStore(
      this.#connections.command,
      keys,
      this.#health,
      () => this.#state === 'closed',
    );
    this.#reader = new SharedReader<T>({ verify: o.verify, report: (e) => this.#report(e), clock: o.clock });
    this.#signal = new ChangeSignal(o.timers);
    this.#local = new ManifestCache<Held<T>>({ clock: o.clock, onError: (e) => this.#report(e) });
    this.#refresh = new FleetRefresh<T>({
      ...o,
      instanceId: this.instanceId,
      reader: this.#reader,
      signal: this.#signal,
      presence: new HolderPresence(o.logger),
      usableStore: () => (this.#state === 'connected' && this.#health.isUp ? this.#store : undefined),
      local: () => this.#local.get(),
      setLeading: (lease) => this.#leases.setLeading(lease),
      observeLease: (lease) => this.#leases.observe(lease),
      report: (e) => this.#report(e),
    });
    this.#sync = new FleetSync<T>({
      ...o,
      instanceId: this.instanceId,
      store: this.#store,
      reader: this.#reader,
      signal: this.#signal,
      local: this.#local,
      isConnected: () => this.#state === 'connected',
      setLeading: (lease) => this.#leases.setLeading(lease),
      observeLease: (lease) => this.#leases.observe(lease),
      report: (e) => this.#report(e),
    });
    this.catalogue = new SharedCatalogue({
      store: () => this.#catalogueStore(),
      key: keys.catalogue,
      writerId: this.instanceId,
      clock: o.clock,
    });
  }

  /**
   * Connects to Redis (bounded by `connectTimeoutMs`), takes the shared map if it verifies and is newer than the
   * local one (or shares the local one if it is newer), subscribes and starts polling. Never rejects because of
   * Redis: when it is unreachable the cache serves from memory and keeps reconnecting in the background.
   *
   * @returns the health after the first attempt
   * @throws `ManifestCacheRedisError` `closed` after {@link RedisManifestCache.close}
   */
  connect(): Promise<RedisHealth> {
    if (this.#state === 'closed') {
      return Promise.reject(
        new ManifestCacheRedisError('closed', 'connect() after close(): create a new cache.'),
      );
    }
    this.#connecting ??= this.#connect();
    return this.#connecting;
  }

  async #connect(): Promise<RedisHealth> {
    this.#state = 'connecting';
    await this.#connections.connect();
    // close() may have run while connecting.
    if ((this.#state as Lifecycle) === 'closed') return this.#health.current;
    this.#state = 'connected';
    await this.#sync.sync('connect');
    this.#sync.startPolling();
    return this.#health.current;
  }

  /**
   * Stops polling, gives up a lease this host holds (so another host takes over at once) and closes the
   * connections (bounded by `commandTimeoutMs`). The cache keeps working in memory afterwards. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#sync.stopPolling();
    const leading = this.#leases.leading;
    if (leading !== undefined && this.#state === 'connected')
      await this.#store.abandon(leading).catch(() => {});
    this.#state = 'closed';
    this.#signal.notify();
    this.#health.markClosed();
    await this.#connections.close(this.#options.commandTimeoutMs);
  }

  /**
   * Stores `value` in memory (not in Redis), replacing any value and detaching a load in flight. If it is newer
   * than the shared map, the next synchronisation (connect, reconnect or poll) shares it under the lease.
   *
   * @throws `ManifestCacheError` `invalid_ttl` for an unusable lifetime; whatever `serialize` throws
   */
  set(value: T, lifetime: ManifestLifetime): void {
    const { generatedAtMs } = this.#options.serialize(value);
    // An unusable lifetime yields NaN here, and ManifestCache.set throws invalid_ttl before storing anything.
    const expiresAtMs = loadedExpiry({ value, ...lifetime }, this.#options.clock()) ?? Number.NaN;
    this.#local.set({ value, generatedAtMs, expiresAtMs, version: null }, lifetime);
  }

  /** The value, fresh or stale; `undefined` when empty. Never touches Redis. */
  get(): T | undefined {
    return this.#local.get()?.value;
  }

  /** The value only while fresh. Never touches Redis. */
  getFresh(): T | undefined {
    return this.#local.getFresh()?.value;
  }

  /**
   * fresh → the value. stale → the stale value at once, plus one background fleet load. empty → waits for the
   * fleet load: the shared map if it is fresh, else the lease holder's (this host's loader, or another host's).
   * A failed load keeps the stale value (reported to `onError`).
   */
  async getOrLoad(loader: ManifestLoader<T>): Promise<T> {
    return (await this.#local.getOrLoad(() => this.#fleetLoad(loader))).value;
  }

  /**
   * A fleet load, whatever the local state: takes the shared map if it is fresh and news to this host; otherwise
   * leads (this host's loader runs under the lease) or follows (waits for the holder's map). Rejects with the
   * loader's error, `leader_failed`, `leader_timeout`, `lease_lost` or `generated_at_regressed`; the previous value
   * stays. With Redis down it is the host's own load.
   */
  async refresh(loader: ManifestLoader<T>): Promise<T> {
    return (await this.#local.refresh(() => this.#fleetLoad(loader))).value;
  }

  /** A fleet load; a synchronisation deferred while it ran runs once its result is stored. */
  #fleetLoad(loader: ManifestLoader<T>) {
    return this.#refresh.load(loader).finally(() => this.#sync.afterLoad());
  }

  /** The local cache's snapshot (status, age, expiry, loading, last load, last error). */
  inspect(): ManifestCacheState {
    return this.#local.inspect();
  }

  /** Forgets the local value (not the shared one: the next synchronisation brings it back). */
  clear(): void {
    this.#local.clear();
    this.#reader.forget();
  }

  /** Redis health: `up`/`down`, since when, the latest error. */
  health(): RedisHealth {
    return this.#health.current;
  }

  /** Role, lease holder, Redis health and the shared map's version, for `/status` and metrics. */
  fleetStatus(): FleetStatus {
    const health = this.#health.current;
    const standalone = this.#state !== 'connected' || health.status === 'down';
    const known = this.#reader.known;
    return {
      instanceId: this.instanceId,
      keyPrefix: this.#options.keyPrefix,
      role: standalone ? 'standalone' : this.#leases.leading !== undefined ? 'leader' : 'follower',
      leaseHolder: this.#leases.holder(),
      redis: { ...health, target: this.#target },
      shared: {
        version: known?.version ?? null,
        generatedAtMs: known?.held?.generatedAtMs ?? null,
        writerId: known?.writerId ?? null,
      },
      localVersion: this.#local.get()?.version ?? null,
      rejectedReads: this.#reader.rejectedReads,
      lastRejection: this.#reader.lastRejection,
    };
  }

  #catalogueStore(): FleetStore {
    if (this.#state === 'new' || this.#state === 'connecting') {
      throw new ManifestCacheRedisError(
        'redis_unavailable',
        'The shared catalogue is not available before connect() has finished; use the local catalogue.',
      );
    }
    return this.#store; // rejects with `closed` after close()
  }

  #onReady(): void {
    if (this.#state !== 'connected') return;
    // Redis may have restarted empty (versions start again at 1): judge what it holds afresh.
    this.#reader.forget();
    void this.#sync.sync('reconnect');
  }

  #onMessage(message: string): void {
    this.#signal.notify();
    if (message.startsWith('map:')) void this.#sync.sync('notification');
  }

  #report(error: unknown): void {
    try {
      this.#options.onError?.(error);
    } catch {
      // onError must not throw; if it does, serving goes on.
    }
  }
}

function defaultInstanceId(random: () => number): string {
  const suffix = Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `${hostname()}:${process.pid}:${suffix}`;
}
