import { ManifestCache, type ManifestCacheLike } from '@cortex-mcp/manifest-cache';
import { loadConnectorServiceMap, parseServiceMap } from '@cortex-mcp/service-map-loader';
import type { Dispatcher } from 'undici';
import type { ServedCatalogue } from '../connectors/index.js';
import { describeFailure, errorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { HostMetrics } from '../metrics.js';
import { redactUrl } from '../redact-url.js';
import type { MapMeta, PersistedMap, WarmStateStore } from '../state/index.js';
import type { MapStatus } from '../status/index.js';
import type { HeldMap, MapOrigin } from './held-map.js';
import { MapFleet, type SharedCatalogueOf } from './map-fleet.js';

export type { HeldMap } from './held-map.js';

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
 *
 * Every verified map — fetched, restored from `stateDir`, or read from the fleet's Redis — enters through one door,
 * `#accept`, which alone moves the anti-rollback watermark (`notBefore`) and the map's `source`. The cache is chosen
 * once, when the source opens (the first of `restore()` / `obtain()`): the fleet's with `redis`, else in memory.
 */
export class ServiceMapSource {
  readonly #options: ServiceMapSourceOptions;
  #cache: ManifestCacheLike<HeldMap> | undefined;
  #opening: Promise<ManifestCacheLike<HeldMap>> | undefined;
  #fleet: MapFleet | undefined;
  /** The anti-rollback watermark: the newest `generatedAt` accepted (and persisted with the map). */
  #notBefore: number | undefined;
  #source: MapStatus['source'] = 'none';
  #lastRefreshAtMs: number | null = null;
  #lastError: MapStatus['lastError'] = null;
  #lastRetryAfterMs: number | undefined;
  #nextRetryAtMs: number | null = null;

  constructor(options: ServiceMapSourceOptions) {
    this.#options = options;
  }

  /** The held map (fresh or stale), if any. */
  get held(): HeldMap | undefined {
    return this.#cache?.get();
  }

  /**
   * Takes the persisted map as the start read and verified it (`readWarmState`), after joining the fleet (with
   * `redis`). A map that no longer verifies (keys rotated, file tampered) is ignored with a warning. Resolves whether
   * a map is now held. Call it before the first `obtain()`: the fleet checks what Redis holds against the persisted
   * watermark.
   */
  async restore(persisted: PersistedMap | undefined, meta: MapMeta): Promise<boolean> {
    this.#notBefore = meta.notBefore;
    const cache = await this.#open();
    if (persisted === undefined) return cache.get() !== undefined;
    const { verified } = persisted;
    if (!verified.ok) {
      this.#options.logger.warn(
        { code: errorCode(verified.error), err: describeFailure(verified.error) },
        'the persisted service map does not verify with the configured keys; ignoring it',
      );
      return cache.get() !== undefined;
    }
    const { payload, generatedAtMs, expiresAtMs } = verified;
    const restored: HeldMap = { payload, text: persisted.text, etag: meta.etag, generatedAtMs, expiresAtMs };
    // The fleet may already hold a newer map (read from Redis on connect): never go back to an older one. The
    // watermark already covers it (the fleet's map was accepted when it verified).
    const fleetMap = cache.get();
    if (fleetMap !== undefined && fleetMap.generatedAtMs >= restored.generatedAtMs) return true;
    cache.set(this.#accept(restored, 'persisted'), { expiresAtMs: restored.expiresAtMs });
    return true;
  }

  /**
   * The map to reconcile against: the fresh one without network (unless `force`), else the result of a reload,
   * else (the reload failed) the stale one. Undefined only when no map has ever been held.
   */
  async obtain(signal?: AbortSignal, force = false): Promise<HeldMap | undefined> {
    const cache = await this.#open();
    if (!force && cache.getFresh()) return cache.get();
    try {
      await cache.refresh(() => this.#load(cache.get(), signal));
      this.#lastRefreshAtMs = this.#options.clock();
      this.#lastError = null;
      this.#lastRetryAfterMs = undefined;
    } catch (error) {
      if (!signal?.aborted) this.#recordFailure(error);
    }
    return cache.get();
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
    return this.#cache?.getFresh() !== undefined;
  }

  /** Records when the manager's early retry is due, for `/status` (null: none pending). */
  set nextRetryAtMs(value: number | null) {
    this.#nextRetryAtMs = value;
  }

  /** Shares a connector's catalogue with the fleet (a no-op without Redis; never fails). */
  shareCatalogue(connectorId: string, fingerprint: string, catalogue: ServedCatalogue): void {
    this.#fleet?.shareCatalogue(connectorId, fingerprint, catalogue);
  }

  /** The fleet's shared catalogue (empty without Redis or when Redis does not answer in time). */
  async sharedCatalogue(): Promise<ReadonlyMap<string, SharedCatalogueOf>> {
    return (await this.#fleet?.sharedCatalogue()) ?? new Map();
  }

  /** Leaves the fleet (releases a lease this host holds) and closes the Redis connections. */
  async close(): Promise<void> {
    await this.#fleet?.close();
  }

  /** The `map` member of `/status`. */
  status(): MapStatus {
    const held = this.held;
    return {
      url: redactUrl(this.#options.serviceMapUrl),
      id: held?.payload.id ?? null,
      generatedAt: held?.payload.generatedAt ?? null,
      expiresAtMs: held?.expiresAtMs ?? null,
      freshness: this.#cache?.inspect().status ?? 'empty',
      source: held ? this.#source : 'none',
      lastRefreshAtMs: this.#lastRefreshAtMs,
      lastError: this.#lastError,
      nextRetryAtMs: this.#nextRetryAtMs,
      ...(this.#fleet && { fleet: this.#fleet.status() }),
    };
  }

  /**
   * The one door for a verified map, whichever way it came. Raises the anti-rollback watermark to its `generatedAt`
   * (no later map may be older) and records where the held map came from. A map read from Redis is accepted as soon
   * as it verifies, so the watermark covers it at once, but is held only when the fleet's cache adopts it (`held`
   * false until then; the cache reports the adoption, which accepts it again as held).
   */
  #accept(map: HeldMap, origin: MapOrigin, held = true): HeldMap {
    this.#notBefore = Math.max(this.#notBefore ?? map.generatedAtMs, map.generatedAtMs);
    if (held) this.#source = origin;
    return map;
  }

  /** Verifies a signed map text with this host's keys (and, when given, no older than `notBefore`). */
  #verify(text: string, etag: string | undefined, notBefore?: number): HeldMap {
    const { signatureKeys, serviceMapUrl, clock } = this.#options;
    const verified = parseServiceMap(text, { signatureKeys, serviceMapUrl, clock, notBefore });
    const { payload, generatedAtMs, expiresAtMs } = verified;
    return { payload, text, etag, generatedAtMs, expiresAtMs };
  }

  /** Chooses the cache, once: the fleet's (joined here, before anything is loaded) with `redis`, else in memory. */
  #open(): Promise<ManifestCacheLike<HeldMap>> {
    this.#opening ??= this.#options.redis ? this.#joinFleet(this.#options.redis) : this.#inMemory();
    return this.#opening;
  }

  async #inMemory(): Promise<ManifestCacheLike<HeldMap>> {
    this.#cache = new ManifestCache<HeldMap>({ clock: this.#options.clock });
    return this.#cache;
  }

  /**
   * Every value read from Redis passes the same verification as a fetched map (signature with this host's keys, no
   * rollback below the watermark). Connecting never fails the start: without Redis the cache works in memory.
   */
  async #joinFleet(
    redis: NonNullable<ServiceMapSourceOptions['redis']>,
  ): Promise<ManifestCacheLike<HeldMap>> {
    const { clock, logger, store, onSharedMapChange, onRedisHealth } = this.#options;
    const fleet = await MapFleet.open({
      ...redis,
      clock,
      logger,
      verify: (text, etag) => this.#accept(this.#verify(text, etag, this.#notBefore), 'fleet', false),
      onAdopted: (map) => {
        this.#accept(map, 'fleet');
        void store.saveMap(map.text, { notBefore: this.#notBefore, etag: map.etag });
        onSharedMapChange?.();
      },
      onRedisHealth,
    });
    this.#fleet = fleet;
    this.#cache = fleet.cache;
    await fleet.connect();
    const held = fleet.cache.get();
    if (held) this.#accept(held, 'fleet');
    return fleet.cache;
  }

  async #load(held: HeldMap | undefined, signal: AbortSignal | undefined) {
    const options = this.#options;
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
    const loaded = this.#accept({ payload, text, etag, generatedAtMs, expiresAtMs }, 'network');
    // Without ETags an unchanged map arrives in full on every refresh; rewriting the same file would be wasted I/O.
    if (held?.text !== text || held.etag !== etag) {
      void options.store.saveMap(text, { notBefore: this.#notBefore, etag });
    }
    return { value: loaded, expiresAtMs };
  }

  #recordFailure(error: unknown): void {
    const code = errorCode(error);
    const message = describeFailure(error);
    this.#lastError = { code, message, atMs: this.#options.clock() };
    const retryAfterMs = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
    this.#lastRetryAfterMs = typeof retryAfterMs === 'number' ? retryAfterMs : undefined;
    this.#options.metrics.refreshFailures.inc({ code });
    this.#options.logger.warn(
      { code, err: message, heldMapId: this.held?.payload.id ?? null },
      'service map refresh failed; keeping the last good map',
    );
  }
}
