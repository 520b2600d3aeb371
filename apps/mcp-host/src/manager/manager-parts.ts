import { RefreshScheduler } from '@cortex-mcp/refresh-scheduler';
import {
  CatalogueBook,
  readWarmState,
  STATE_FILES,
  ToolPinBook,
  type WarmState,
  WarmStateStore,
} from '../state/index.js';
import { createHostPool, type UpstreamPool } from '../upstream/index.js';
import { MapRetry } from './map-retry.js';
import type { ResolvedManagerOptions } from './options.js';
import { RegistryFileWatch } from './registry-file-watch.js';
import { ServiceMapSource } from './service-map-source.js';

/** What the manager is made of, each built from its resolved options. */
export interface ManagerParts {
  readonly pool: UpstreamPool;
  readonly store: WarmStateStore;
  readonly catalogue: CatalogueBook;
  readonly pins: ToolPinBook;
  /** Reads the warm state (registry file, persisted map, catalogues), when the host's fast path did not. */
  readonly readWarmState: () => Promise<WarmState>;
  /** Undefined without a map URL (registry-file servers only). */
  readonly mapSource: ServiceMapSource | undefined;
  readonly mapRetry: MapRetry;
  /** Undefined in sync mode: no background refresh. */
  readonly scheduler: RefreshScheduler | undefined;
  /** Undefined in sync mode, without a registry file, or with `registryWatchDebounceMs` 0. */
  readonly registryWatch: RegistryFileWatch | undefined;
}

/** When the parts ask the manager for a sync. */
export interface ManagerTriggers {
  /**
   * A sync for `reason` (the timer, an early map retry); `forceMapLoad` reloads a fresh map too. Resolves when it
   * ends and never rejects: the scheduler waits for it, so runs never overlap.
   */
  readonly sync: (reason: string, forceMapLoad: boolean) => Promise<unknown>;
  /** Another host's map arrived through Redis. */
  readonly fleetMapArrived: () => void;
  /** The registry file may have changed on disk (the watch saw it). */
  readonly registryFileChanged: () => void;
}

/** First early retry after a failed map load with no fresh map; doubles up to the refresh interval. */
const MAP_RETRY_BASE_DELAY_MS = 1_000;

/**
 * Builds the manager's parts: the upstream pool (`createHostPool`, as `mcp-host doctor` builds it), the warm-state
 * files with their write timings, the map source (with the fleet when Redis is configured), the early map retry,
 * the jittered scheduler and the registry file's watch.
 */
export function createManagerParts(options: ResolvedManagerOptions, triggers: ManagerTriggers): ManagerParts {
  const { clock, logger, metrics, random, timers } = options;
  const pool = createHostPool(options.upstream, options.serviceMapUrl);
  const store = new WarmStateStore({
    stateDir: options.stateDir,
    logger,
    onWrite: (file, durationMs) =>
      metrics.registryFlushDuration.observe(
        { store: file === STATE_FILES.catalogue ? 'catalogue' : 'service-map' },
        durationMs / 1000,
      ),
  });
  const mapSource =
    options.serviceMapUrl === undefined
      ? undefined
      : new ServiceMapSource({
          serviceMapUrl: options.serviceMapUrl,
          signatureKeys: options.signatureKeys,
          apiKey: options.apiKey,
          sendEtag: options.serviceMapEtag,
          dispatcher: pool.requests,
          timeoutMs: options.mapTimeoutMs,
          maxBytes: options.mapMaxBytes,
          clock,
          logger,
          metrics,
          store,
          redis: options.redis,
          onSharedMapChange: triggers.fleetMapArrived,
          onRedisHealth: (up) => metrics.redisUp.set({ target: redisTarget(options.redis?.url) }, up ? 1 : 0),
        });
  const mapRetry = new MapRetry({
    baseDelayMs: Math.min(MAP_RETRY_BASE_DELAY_MS, options.refreshIntervalMs),
    maxDelayMs: options.refreshIntervalMs,
    jitterFactor: options.jitterFactor,
    random,
    timers,
    onRetry: () => void triggers.sync('map-retry', true),
  });
  const scheduler = options.refreshSync
    ? undefined
    : new RefreshScheduler({
        intervalMs: options.refreshIntervalMs,
        jitterFactor: options.jitterFactor,
        onRefresh: () => triggers.sync('timer', false),
        logger,
        clock,
        random,
        timers,
      });
  const { registryPath, registryWatchDebounceMs: debounceMs } = options;
  const registryWatch =
    options.refreshSync || registryPath === undefined || debounceMs === 0
      ? undefined
      : new RegistryFileWatch({
          registryPath,
          debounceMs,
          watchDirectory: options.watchDirectory,
          timers,
          logger,
          onChange: triggers.registryFileChanged,
        });
  return {
    pool,
    store,
    catalogue: new CatalogueBook(store, clock),
    pins: new ToolPinBook({ policy: options.toolPinPolicy, storage: store, logger, clock }),
    readWarmState: () => {
      const { serviceMapUrl, signatureKeys } = options;
      return readWarmState({ store, registryPath, serviceMapUrl, signatureKeys, clock, logger });
    },
    mapSource,
    mapRetry,
    scheduler,
    registryWatch,
  };
}

/** `host:port` of a Redis URL, without credentials or database: safe for a metric label. */
function redisTarget(url: string | undefined): string {
  if (url === undefined) return '';
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'redis';
  }
}
