import type { ManifestCacheLike } from '@cortex-mcp/manifest-cache';
import type { RedisManifestCache, SharedCatalogueExtras } from '@cortex-mcp/manifest-cache-redis';
import type { ServedCatalogue } from '../connectors/index.js';
import { describeFailure, errorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MapStatus } from '../status/index.js';
import type { HeldMap } from './held-map.js';

/** Options of {@link MapFleet.open}. */
export interface MapFleetOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly leaseMs?: number | undefined;
  readonly clock: () => number;
  readonly logger: Logger;
  /**
   * Verifies a map read from Redis with this host's own keys and watermark, exactly as a fetched one; throws to
   * reject it. Redis is a cache, not a source of trust.
   */
  readonly verify: (text: string, etag: string | undefined) => HeldMap;
  /** Another host's map replaced the held one in the background (on connect, by notification or by polling). */
  readonly onAdopted: (map: HeldMap) => void;
  /** Redis went up or down (for the metric). */
  readonly onRedisHealth?: ((up: boolean) => void) | undefined;
}

/** A connector's catalogue as the fleet shares it (validate before serving: Redis is not a source of trust). */
export interface SharedCatalogueOf extends SharedCatalogueExtras {
  readonly fingerprint: string;
  readonly tools: readonly unknown[];
}

/**
 * This host's membership of a fleet sharing one Redis (`MCP_REDIS_URL`): the fleet's map cache (one host per expiry
 * fetches, every host verifies what it reads), the shared catalogue, and the fleet's part of `/status`.
 */
export class MapFleet {
  readonly #cache: RedisManifestCache<HeldMap>;

  private constructor(cache: RedisManifestCache<HeldMap>) {
    this.#cache = cache;
  }

  /**
   * Creates the fleet's cache without connecting. The Redis client is loaded only here, so a host without Redis
   * never loads it.
   */
  static async open(options: MapFleetOptions): Promise<MapFleet> {
    const { RedisManifestCache } = await import('@cortex-mcp/manifest-cache-redis');
    const cache = new RedisManifestCache<HeldMap>({
      url: options.url,
      keyPrefix: options.keyPrefix,
      leaseMs: options.leaseMs,
      clock: options.clock,
      logger: options.logger,
      verify: (stored) => {
        const map = options.verify(stored.text, stored.etag);
        return { value: map, generatedAtMs: map.generatedAtMs, expiresAtMs: map.expiresAtMs };
      },
      serialize: (held) => ({ text: held.text, generatedAtMs: held.generatedAtMs, etag: held.etag }),
      onChange: (change) => options.onAdopted(change.value),
      onHealthChange: (health) => options.onRedisHealth?.(health.status === 'up'),
      onError: (error) => logRejectedRead(options.logger, error),
    });
    return new MapFleet(cache);
  }

  /** The fleet's map cache: in memory until {@link connect}, and again after {@link close}. */
  get cache(): ManifestCacheLike<HeldMap> {
    return this.#cache;
  }

  /**
   * Joins the fleet: takes the shared map if it verifies and is newer (reported to `onAdopted`). Never fails
   * because of Redis: unreachable, the cache works in memory and reconnects in the background.
   */
  async connect(): Promise<void> {
    await this.#cache.connect();
  }

  /**
   * Shares a connector's catalogue with the fleet (a Redis failure is logged by the cache's health tracking and
   * otherwise ignored: the local catalogue is the fallback).
   */
  shareCatalogue(connectorId: string, fingerprint: string, catalogue: ServedCatalogue): void {
    const { tools, resources, resourceTemplates, prompts, instructions } = catalogue;
    const shared = { fingerprint, tools, resources, resourceTemplates, prompts };
    this.#cache.catalogue
      .write(connectorId, instructions === undefined ? shared : { ...shared, instructions })
      .catch(() => undefined);
  }

  /** The fleet's shared catalogue (empty when Redis does not answer in time). */
  async sharedCatalogue(): Promise<ReadonlyMap<string, SharedCatalogueOf>> {
    try {
      return (await this.#cache.catalogue.read()).entries;
    } catch {
      return new Map();
    }
  }

  /** The `fleet` member of the map's `/status`: role, lease holder, Redis health, rejected reads. */
  status(): NonNullable<MapStatus['fleet']> {
    const fleet = this.#cache.fleetStatus();
    return {
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
    };
  }

  /** Leaves the fleet (releases a lease this host holds) and closes the Redis connections. */
  async close(): Promise<void> {
    await this.#cache.close().catch(() => undefined);
  }
}

/**
 * A map read from Redis was not used (the cache reports each stored version once; the last good map keeps
 * serving). An older map than this host accepted is routine after Redis restarts empty — the first host back
 * shares what it holds, which may be older — so it is noted, not warned about. Anything else (bad signature,
 * schema) means something other than a host wrote under the fleet's prefix: warned. The cache's other reports
 * are a failed load (logged by the map source) or Redis trouble (logged once per outage by the cache).
 */
function logRejectedRead(logger: Logger, error: unknown): void {
  if (errorCode(error) !== 'verification_failed') return;
  const reason = errorCode((error as Error).cause);
  const details = { code: 'verification_failed', reason, err: describeFailure(error) };
  if (reason === 'stale_replay') {
    logger.info(details, "the service map in Redis is older than this host's; keeping the newer one");
    return;
  }
  logger.warn(
    details,
    'a service map read from Redis failed verification; ignoring it and keeping the last good map',
  );
}
