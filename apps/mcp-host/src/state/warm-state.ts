import { type FlushReport, RegistryMemoryCache } from '@cortex-mcp/registry-fs-store';
import type { ServiceMapPayload } from '@cortex-mcp/service-map-loader';
import type { CatalogueEntry, MapMeta, StateLogger, WarmStateStore } from './warm-state-store.js';

/** The persisted map as read at start: the signed text and what its verification found. */
export interface PersistedMap {
  readonly text: string;
  /** The verified map, or the error that made it unusable (keys rotated, file tampered). */
  readonly verified:
    | {
        readonly ok: true;
        readonly payload: ServiceMapPayload;
        readonly generatedAtMs: number;
        readonly expiresAtMs: number;
      }
    | { readonly ok: false; readonly error: unknown };
}

/**
 * Everything a start reads from disk, read once and shared by the warm catalogue (the fast path) and the manager:
 * the registry file (its cache initialised), the persisted map (verified with the configured keys) and the persisted
 * tool catalogues.
 */
export interface WarmState {
  /** The registry file's cache, initialised; undefined without a registry path. */
  readonly registryFile: RegistryMemoryCache | undefined;
  /** Why the registry file could not be read (the host continues without its servers), if it could not. */
  readonly registryFailure: unknown;
  /** Undefined without a map URL or without a persisted map. */
  readonly map: PersistedMap | undefined;
  /** The persisted map's facts (anti-rollback watermark, ETag); `{}` without a map URL or when absent. */
  readonly mapMeta: MapMeta;
  readonly catalogue: ReadonlyMap<string, CatalogueEntry>;
  /** Hears every flush of the registry file from now on (the host times them). */
  onRegistryFlush(listener: (report: FlushReport) => void): void;
}

/** Options of {@link readWarmState}. */
export interface ReadWarmStateOptions {
  readonly store: WarmStateStore;
  readonly registryPath: string | undefined;
  readonly serviceMapUrl: string | undefined;
  readonly signatureKeys: readonly string[];
  readonly clock: () => number;
  readonly logger: StateLogger;
}

/**
 * Reads the warm state once: the registry file, the persisted map text and facts, and the catalogues, in parallel,
 * then verifies the map. Never throws for a missing, corrupt or unverifiable file: that part reads as absent and the
 * reason is kept for the manager to report.
 */
export async function readWarmState(options: ReadWarmStateOptions): Promise<WarmState> {
  const listeners = new Set<(report: FlushReport) => void>();
  const registryFile =
    options.registryPath === undefined
      ? undefined
      : new RegistryMemoryCache({
          registryPath: options.registryPath,
          logger: options.logger,
          onFlush: (report) => {
            for (const listener of listeners) listener(report);
          },
        });
  const [registryFailure, [map, mapMeta], catalogue] = await Promise.all([
    registryFile?.init().then(
      () => undefined,
      (error: unknown) => error ?? new Error('the registry file could not be read'),
    ),
    readPersistedMap(options),
    options.store.readCatalogue(),
  ]);
  return {
    registryFile,
    registryFailure,
    map,
    mapMeta,
    catalogue,
    onRegistryFlush: (listener) => listeners.add(listener),
  };
}

async function readPersistedMap(options: ReadWarmStateOptions): Promise<[PersistedMap | undefined, MapMeta]> {
  const { serviceMapUrl, signatureKeys, clock, store } = options;
  if (serviceMapUrl === undefined) return [undefined, {}];
  const [text, meta] = await Promise.all([store.readMapText(), store.readMapMeta()]);
  if (text === undefined) return [undefined, meta];
  // Loaded only when there is a map to verify: the loader module also holds the map's HTTP client.
  const { parseServiceMap } = await import('@cortex-mcp/service-map-loader');
  try {
    const { payload, generatedAtMs, expiresAtMs } = parseServiceMap(text, {
      signatureKeys,
      serviceMapUrl,
      clock,
    });
    return [{ text, verified: { ok: true, payload, generatedAtMs, expiresAtMs } }, meta];
  } catch (error) {
    return [{ text, verified: { ok: false, error } }, meta];
  }
}
