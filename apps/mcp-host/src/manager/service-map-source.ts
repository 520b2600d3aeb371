import { ManifestCache, type ManifestCacheLike } from '@cortex-mcp/manifest-cache';
import type { FleetStatus, RedisManifestCache } from '@cortex-mcp/manifest-cache-redis';
import {
  loadConnectorServiceMap,
  parseServiceMap,
  type ServiceMapPayload,
} from '@cortex-mcp/service-map-loader';
import type { Dispatcher } from 'undici';
import { describeFailure, errorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { HostMetrics } from '../metrics.js';
import { redactUrl } from '../redact-url.js';
import type { WarmStateStore } from '../state/index.js';
import type { MapStatus } from '../status/index.js';

/** The verified map as the host holds it. */
export interface HeldMap {
  readonly payload: ServiceMapPayload;
  /** The signed text exactly as received (persisted and re-verified on restart). */
  readonly text: string;
  readonly etag: string | undefined;
  readonly generatedAtMs: number;
  readonly expiresAtMs: number;
}

/** Options of {@link ServiceMapSource}. */
export interface ServiceMapSourceOptions {
  readonly serviceMapUrl: string;
  readonly signatureKeys: readonly string[];
  readonly apiKey: string | undefined;
  /** Send the held map's ETag as `If-None-Match` (false: every load downloads and verifies the whole map). */
  readonly sendEtag: boolean;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly metrics: HostMetrics;
  readonly store: WarmStateStore;
  /**
   * Share the map with a fleet of hosts through Redis (`MCP_REDIS_URL`): one host per expiry fetches it, every
   * host verifies what it reads there with its own keys. Absent: this host alone, in memory.
   */
  readonly redis?:
    | { readonly url: string; readonly keyPrefix: string; readonly leaseMs?: number | undefined }
    | undefined;
  /** Another host's map arrived through Redis: the manager reconciles against it. */
  readonly onSharedMapChange?: (() => void) | undefined;
  /** Redis went up or down (for the metric). */
  readonly onRedisHealth?: ((up: boolean) => void) | undefined;
}

/**
 * Steps 2–3 of the sync pipeline: a `ManifestCache` of the verified map, loaded through the shared dispatcher.
 * A fresh map costs no network; a stale or empty one is reloaded (sending the held ETag, rejecting maps older than
 * the newest accepted one). A failed load keeps the held map, is logged once and counted by code.
 */
export class ServiceMapSource {
  readonly #options: ServiceMapSourceOptions;
  #cache: ManifestCacheLike<HeldMap>;
  #fleet: RedisManifestCache<HeldMap> | undefined;
  #notBefore: number | undefined;
  #source: MapStatus['source'] = 'none';
  #lastRefreshAtMs: number | null = null;
  #lastError: MapStatus['lastError'] = null;
  #lastRetryAfterMs: number | undefined;
  #nextRetryAtMs: number | null = null;

  constructor(options: ServiceMapSourceOptions) {
    this.#options = options;
    this.#cache = new ManifestCache<HeldMap>({ clock: options.clock });
  }

  /** The held map (fresh or stale), if any. */
  get held(): HeldMap | undefined {
    return this.#cache.get();
  }

  /**
   * Loads the persisted map, re-verified with the configured keys. A map that no longer verifies (keys rotated,
   * file tampered) is ignored with a warning. Resolves whether a map is now held.
   */
  async restore(): Promise<boolean> {
    const { store, logger, signatureKeys, serviceMapUrl, clock } = this.#options;
    const [text, meta] = await Promise.all([store.readMapText(), store.readMapMeta()]);
    this.#notBefore = meta.notBefore;
    await this.#joinFleet();
    if (text === undefined) return this.#cache.get() !== undefined;
    try {
      const verified = parseServiceMap(text, { signatureKeys, serviceMapUrl, clock });
      this.#notBefore = Math.max(this.#notBefore ?? verified.generatedAtMs, verified.generatedAtMs);
      const { payload, generatedAtMs, expiresAtMs } = verified;
      // The fleet may already hold a newer map (read from Redis on connect): never go back to an older one.
      const fleetMap = this.#cache.get();
      if (fleetMap !== undefined && fleetMap.generatedAtMs >= generatedAtMs) return true;
      this.#cache.set({ payload, text, etag: meta.etag, generatedAtMs, expiresAtMs }, { expiresAtMs });
      this.#source = 'persisted';
      return true;
    } catch (error) {
      logger.warn(
        { code: errorCode(error), err: describeFailure(error) },
        'the persisted service map does not verify with the configured keys; ignoring it',
      );
      return this.#cache.get() !== undefined;
    }
  }

  /**
   * The map to reconcile against: the fresh one without network (unless `force`), else the result of a reload,
   * else (the reload failed) the stale one. Undefined only when no map has ever been held.
   */
  async obtain(signal?: AbortSignal, force = false): Promise<HeldMap | undefined> {
    if (!force && this.#cache.getFresh()) return this.#cache.get();
    try {
      await this.#cache.refresh(() => this.#load(signal));
      this.#lastRefreshAtMs = this.#options.clock();
      this.#lastError = null;
      this.#lastRetryAfterMs = undefined;
    } catch (error) {
      if (!signal?.aborted) this.#recordFailure(error);
    }
    return this.#cache.get();
  }

  /** Whether the last load failed (the held map, if any, is what was there before). */
  get lastLoadFailed(): boolean {
    return this.#lastError !== null;
  }

  /** The map server's `Retry-After` on the last failed load, in ms, when it sent one. */
  get lastRetryAfterMs(): number | undefined {
    return this.#lastRetryAfterMs;
  }

  /** Whether the held map is still within its signed expiry. */
  get fresh(): boolean {
    return this.#cache.getFresh() !== undefined;
  }

  /** Records when the manager's early retry is due, for `/status` (null: none pending). */
  set nextRetryAtMs(value: number | null) {
    this.#nextRetryAtMs = value;
  }

  /** The fleet view (role, lease holder, Redis health) when the map is shared through Redis. */
  fleetStatus(): FleetStatus | undefined {
    return this.#fleet?.fleetStatus();
  }

  /**
   * Shares a connector's tool list with the fleet (a no-op without Redis; a Redis failure is logged by the cache's
   * health tracking and otherwise ignored: the local catalogue is the fallback).
   */
  shareCatalogue(connectorId: string, fingerprint: string, tools: readonly unknown[]): void {
    this.#fleet?.catalogue.write(connectorId, { fingerprint, tools: [...tools] }).catch(() => undefined);
  }

  /** The fleet's shared catalogue (empty without Redis or when Redis does not answer in time). */
  async sharedCatalogue(): Promise<ReadonlyMap<string, { fingerprint: string; tools: readonly unknown[] }>> {
    if (!this.#fleet) return new Map();
    try {
      return (await this.#fleet.catalogue.read()).entries;
    } catch {
      return new Map();
    }
  }

  /** Leaves the fleet (releases a lease this host holds) and closes the Redis connections. */
  async close(): Promise<void> {
    await this.#fleet?.close().catch(() => undefined);
  }

  /**
   * With Redis configured: replaces the in-memory cache with the fleet's before anything is loaded. Every value read
   * from Redis passes the same verification as a fetched map (signature with this host's keys, no rollback below
   * the newest accepted `generatedAt`). Connecting never fails the start: without Redis the cache works in memory.
   */
  async #joinFleet(): Promise<void> {
    const { redis, signatureKeys, serviceMapUrl, clock, logger } = this.#options;
    if (!redis || this.#fleet) return;
    const { RedisManifestCache } = await import('@cortex-mcp/manifest-cache-redis');
    const fleet = new RedisManifestCache<HeldMap>({
      url: redis.url,
      keyPrefix: redis.keyPrefix,
      leaseMs: redis.leaseMs,
      clock,
      logger,
      verify: (stored) => {
        const verified = parseServiceMap(stored.text, {
          signatureKeys,
          serviceMapUrl,
          clock,
          notBefore: this.#notBefore,
        });
        this.#notBefore = Math.max(this.#notBefore ?? verified.generatedAtMs, verified.generatedAtMs);
        const { payload, generatedAtMs, expiresAtMs } = verified;
        return {
          value: { payload, text: stored.text, etag: stored.etag, generatedAtMs, expiresAtMs },
          generatedAtMs,
          expiresAtMs,
        };
      },
      serialize: (held) => ({ text: held.text, generatedAtMs: held.generatedAtMs, etag: held.etag }),
      onChange: (change) => {
        this.#source = 'fleet';
        void this.#options.store.saveMap(change.value.text, {
          notBefore: this.#notBefore,
          etag: change.value.etag,
        });
        this.#options.onSharedMapChange?.();
      },
      onHealthChange: (health) => this.#options.onRedisHealth?.(health.status === 'up'),
      onError: (error) => this.#fleetError(error),
    });
    this.#fleet = fleet;
    this.#cache = fleet;
    await fleet.connect();
    const held = fleet.get();
    if (held) this.#source = 'fleet';
  }

  /**
   * A map read from Redis was not used (the cache reports each stored version once; the last good map keeps
   * serving). An older map than this host accepted is routine after Redis restarts empty — the first host back
   * shares what it holds, which may be older — so it is noted, not warned about. Anything else (bad signature,
   * schema) means something other than a host wrote under the fleet's prefix: warned. The cache's other reports
   * are a failed load (logged by `obtain()`) or Redis trouble (logged once per outage by the cache).
   */
  #fleetError(error: unknown): void {
    if (errorCode(error) !== 'verification_failed') return;
    const reason = errorCode((error as Error).cause);
    const details = { code: 'verification_failed', reason, err: describeFailure(error) };
    if (reason === 'stale_replay') {
      this.#options.logger.info(
        details,
        "the service map in Redis is older than this host's; keeping the newer one",
      );
      return;
    }
    this.#options.logger.warn(
      details,
      'a service map read from Redis failed verification; ignoring it and keeping the last good map',
    );
  }

  /** The `map` member of `/status`. */
  status(): MapStatus {
    const held = this.#cache.get();
    const state = this.#cache.inspect();
    return {
      url: redactUrl(this.#options.serviceMapUrl),
      id: held?.payload.id ?? null,
      generatedAt: held?.payload.generatedAt ?? null,
      expiresAtMs: held?.expiresAtMs ?? null,
      freshness: state.status,
      source: held ? this.#source : 'none',
      lastRefreshAtMs: this.#lastRefreshAtMs,
      lastError: this.#lastError,
      nextRetryAtMs: this.#nextRetryAtMs,
      ...this.#fleetSummary(),
    };
  }

  #fleetSummary(): Pick<MapStatus, 'fleet'> {
    const fleet = this.#fleet?.fleetStatus();
    if (!fleet) return {};
    return {
      fleet: {
        role: fleet.role,
        leaseHolder: fleet.leaseHolder,
        redis: { status: fleet.redis.status, target: fleet.redis.target },
        rejectedReads: fleet.rejectedReads,
        // The reason code and time only: the message may quote what was stored in Redis.
        lastRejection: fleet.lastRejection && {
          reason: fleet.lastRejection.reason,
          version: fleet.lastRejection.version,
          atMs: fleet.lastRejection.atMs,
        },
      },
    };
  }

  async #load(signal: AbortSignal | undefined) {
    const options = this.#options;
    const held = this.#cache.get();
    const result = await loadConnectorServiceMap({
      serviceMapUrl: options.serviceMapUrl,
      dispatcher: options.dispatcher,
      signatureKeys: options.signatureKeys,
      apiKey: options.apiKey,
      etag: options.sendEtag ? held?.etag : undefined,
      notBefore: this.#notBefore,
      timeoutMs: options.timeoutMs,
      maxBytes: options.maxBytes,
      signal,
      clock: options.clock,
    });
    if (result.notModified) {
      // A 304 is only possible after sending the held map's ETag, so `held` exists.
      const value = { ...(held as HeldMap), etag: result.etag };
      return { value, expiresAtMs: value.expiresAtMs };
    }
    const { payload, text, etag, generatedAtMs, expiresAtMs } = result;
    this.#notBefore = Math.max(this.#notBefore ?? generatedAtMs, generatedAtMs);
    this.#source = 'network';
    // Without ETags an unchanged map arrives in full on every refresh; rewriting the same file would be wasted I/O.
    if (held?.text !== text || held.etag !== etag) {
      void options.store.saveMap(text, { notBefore: this.#notBefore, etag });
    }
    return { value: { payload, text, etag, generatedAtMs, expiresAtMs }, expiresAtMs };
  }

  #recordFailure(error: unknown): void {
    const code = errorCode(error);
    const message = describeFailure(error);
    this.#lastError = { code, message, atMs: this.#options.clock() };
    const retryAfterMs = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
    this.#lastRetryAfterMs = typeof retryAfterMs === 'number' ? retryAfterMs : undefined;
    this.#options.metrics.refreshFailures.inc({ code });
    this.#options.logger.warn(
      { code, err: message, heldMapId: this.#cache.get()?.payload.id ?? null },
      'service map refresh failed; keeping the last good map',
    );
  }
}
