import type { UpstreamLogEntry } from '@cortex-mcp/connector-proxy';
import type { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import { ConnectorManagerError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { HostMetrics } from '../metrics.js';
import type { ToolPinPolicy, WarmState } from '../state/index.js';
import type { UpstreamSettings } from '../upstream/index.js';
import type { LoadProbe } from './adaptive-limit.js';
import { type WatchDirectory, watchDirectory } from './registry-file-watch.js';
import { globalTimers, type ManagerTimers } from './timers.js';

/** Options of `new ConnectorProxyManager(options)`. */
export interface ConnectorProxyManagerOptions {
  /** `http:`, `https:` or `file:` URL of the signed service map. Undefined: registry-file servers only. */
  serviceMapUrl?: string | undefined;
  /** HMAC keys (`CONNECTORS_SIGNATURE_KEY`, several during rotation; any one verifies). Required with a map URL. */
  signatureKeys: readonly string[];
  /** `CONNECTORS_API_KEY`: sent to the map endpoint and used as the key of connectors with bearer/apiKey auth. */
  apiKey?: string | undefined;
  /** `MCP_CONNECTOR_REFRESH_SYNC=true`: `start()` syncs before resolving and no background scheduler runs. */
  refreshSync: boolean;
  /** Mean delay between background syncs, in ms. */
  refreshIntervalMs: number;
  /** Each delay is drawn from `refreshIntervalMs × (1 ± jitterFactor)`. */
  jitterFactor: number;
  /**
   * Fixed mode: how many connectors connect at once during a sync (p-limit). Adaptive mode: the limit each sync
   * starts at, clamped to [`concurrencyMin`, `concurrencyMax`].
   */
  concurrency: number;
  /**
   * `fixed`: `concurrency` connects at once. `adaptive`: the limit grows while connects wait on the network and
   * shrinks under connect failures or CPU pressure, between `concurrencyMin` and `concurrencyMax`.
   */
  concurrencyMode: ConcurrencyMode;
  /** Adaptive mode: the floor of the limit. */
  concurrencyMin: number;
  /** Adaptive mode: the ceiling of the limit; never more connects than this at once. */
  concurrencyMax: number;
  /** Tuning and injection points of the adaptive limiter (see `AdaptiveLimiter`); defaults suit production. */
  adaptiveConcurrency?:
    | {
        /** Default: event-loop utilization. */
        loadProbe?: LoadProbe | undefined;
        /** Measuring window, in ms. Default 20. */
        sampleIntervalMs?: number | undefined;
        /** Load (0–1] that counts as CPU pressure. Default 0.9. */
        busyThreshold?: number | undefined;
      }
    | undefined;
  /** Default bound on one connector's handshake, in ms (a map entry's `timeouts.connectMs` wins). */
  connectTimeoutMs: number;
  /** Default per-call timeout, in ms (a map entry's `timeouts.callMs` wins); also how long a call waits for a connector. */
  callTimeoutMs: number;
  /** Budget for loading the map (connect, headers and body), in ms. */
  mapTimeoutMs: number;
  /** Largest map body accepted, in bytes. */
  mapMaxBytes: number;
  /**
   * Send the held map's ETag as `If-None-Match`, so an unchanged map costs a 304 and no body; `false` downloads and
   * verifies the whole map on every refresh.
   */
  serviceMapEtag: boolean;
  /** The registry file (`servers.json`); undefined means no registry-file servers. */
  registryPath?: string | undefined;
  /**
   * Watch the registry file (its directory, since writers replace it by rename): an edit is re-read and synced once
   * the file has been quiet this long, in ms. `0`: no watching (each refresh still re-reads it). Never in sync mode.
   */
  registryWatchDebounceMs: number;
  /** How the registry file's directory is watched. Default: `node:fs` `watch` (tests inject their own). */
  watchDirectory?: WatchDirectory | undefined;
  /** Directory for the warm-start files (`service-map.json`, `map-meta.json`, `catalogue.json`); created if missing. */
  stateDir: string;
  /** Where connector tools are registered. */
  registry: VersionedToolRegistry;
  /** The host's metrics. */
  metrics: HostMetrics;
  /** pino logger; keys are never passed to it. */
  logger: Logger;
  /** Host version, reported in `status()`. */
  version: string;
  /**
   * Receives each upstream `notifications/message` that belongs to no client's request (the others go to the
   * request's client through its `ToolCallContext.onLog`).
   */
  onUpstreamLog?: ((connectorId: string, entry: UpstreamLogEntry) => void) | undefined;
  /** Receives each upstream `notifications/elicitation/complete` (a URL-mode elicitation finished). */
  onElicitationComplete?: ((connectorId: string, elicitationId: string) => void) | undefined;
  /** Receives every upstream `notifications/resources/updated` (the URI in the upstream's form). */
  onResourceUpdated?: ((connectorId: string, uri: string) => void) | undefined;
  /** Epoch-ms clock. Default `Date.now`. */
  clock?: (() => number) | undefined;
  /** Randomness in [0, 1) for scheduler jitter and reconnect backoff. Default `Math.random`. */
  random?: (() => number) | undefined;
  /** Timers of the scheduler and of call retries. Default: the globals. */
  timers?: ManagerTimers | undefined;
  /**
   * The shared upstream pool (connections per origin, HTTP/2) and the egress policy on the address actually
   * connected (the map endpoint is exempt): built by `createHostPool`, as `mcp-host doctor` builds its own.
   */
  upstream: UpstreamSettings;
  /**
   * Give every connector its own new `Agent` instead of the shared pool — only for measuring the seed's
   * "sequential" baseline; it costs one TLS handshake per connector. Default false.
   */
  perConnectorAgent?: boolean | undefined;
  /**
   * Tool-definition pinning: `warn` logs a changed pinned tool and serves it; `block` withholds it until approved;
   * `off` pins nothing. Pins live in `stateDir/tool-pins.json`.
   */
  toolPinPolicy: ToolPinPolicy;
  /**
   * Share the map and tool catalogues with other hosts through Redis: one map fetch per expiry fleet-wide, a new
   * host serves the fleet's catalogue at once. Every host verifies every map itself. Absent: no Redis.
   * `keyPrefix` names the fleet's keys; `leaseMs` is the refresh lease period.
   */
  redis?: { url: string; keyPrefix: string; leaseMs: number } | undefined;
  /** Consecutive failed calls (unreachable, timed out) that open a connector's circuit. */
  circuitFailureThreshold: number;
  /** How long an open circuit fails calls fast before it lets one probe through, in ms. */
  circuitOpenMs: number;
  /** Delay between connect retries while a tool call waits for its connector, in ms. Default 250. */
  callRetryDelayMs?: number | undefined;
  /**
   * Called each time one connect of a sync's connect phase settles, so a CLI can show "connecting n/N" with the
   * failures named. `error` is the failure as the logs describe it (secret-free). Not called for connects skipped
   * because the manager is shutting down. An exception thrown here is ignored: progress must not break a sync.
   */
  onConnectProgress?: ((event: ConnectProgressEvent) => void) | undefined;
  /**
   * The warm state the host's fast path already read (`WarmCatalogue.state`): the manager adopts it instead of
   * reading the registry file, the persisted map and the catalogues again. Absent: the manager reads them at start.
   */
  warmState?: WarmState | undefined;
}

/** One settled connect of the connect phase: `done` of `total` connects have settled, this one was `connectorId`. */
export interface ConnectProgressEvent {
  readonly done: number;
  readonly total: number;
  readonly connectorId: string;
  readonly ok: boolean;
  /** Why it failed (secret-free), when `ok` is false. */
  readonly error?: string;
}

/** How the connect phase bounds its parallelism. */
export type ConcurrencyMode = 'fixed' | 'adaptive';

/** Options after defaults and checks. */
export interface ResolvedManagerOptions extends ConnectorProxyManagerOptions {
  readonly clock: () => number;
  readonly random: () => number;
  readonly timers: ManagerTimers;
  readonly callRetryDelayMs: number;
  readonly watchDirectory: WatchDirectory;
}

/**
 * Fills in the injection points (clock, randomness, timers) and rejects options that would fail later and obscurely.
 * Every setting comes from the caller: the host passes the values `resolveSettings` resolved from its configuration.
 *
 * @throws {ConnectorManagerError} `invalid_options`.
 */
export function resolveManagerOptions(options: ConnectorProxyManagerOptions): ResolvedManagerOptions {
  const invalid = (problem: string) =>
    new ConnectorManagerError(
      'invalid_options',
      `ConnectorProxyManager: ${problem}. Fix the host configuration.`,
    );
  if (options.serviceMapUrl !== undefined) {
    if (options.signatureKeys.length === 0 || options.signatureKeys.some((key) => key === '')) {
      throw invalid('a serviceMapUrl needs at least one non-empty signature key (CONNECTORS_SIGNATURE_KEY)');
    }
  }
  const positive: Record<string, number> = {
    refreshIntervalMs: options.refreshIntervalMs,
    connectTimeoutMs: options.connectTimeoutMs,
    callTimeoutMs: options.callTimeoutMs,
    mapTimeoutMs: options.mapTimeoutMs,
    mapMaxBytes: options.mapMaxBytes,
  };
  for (const [name, value] of Object.entries(positive)) {
    if (!Number.isFinite(value) || value <= 0) throw invalid(`${name} must be a positive number`);
  }
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw invalid('concurrency must be an integer >= 1');
  }
  const { concurrencyMode, concurrencyMin, concurrencyMax } = options;
  if (concurrencyMode !== 'fixed' && concurrencyMode !== 'adaptive') {
    throw invalid('concurrencyMode must be "fixed" or "adaptive"');
  }
  if (!Number.isInteger(concurrencyMin) || concurrencyMin < 1) {
    throw invalid('concurrencyMin must be an integer >= 1');
  }
  if (!Number.isInteger(concurrencyMax) || concurrencyMax < concurrencyMin) {
    throw invalid(`concurrencyMax must be an integer >= concurrencyMin (${concurrencyMin})`);
  }
  if (!options.stateDir) throw invalid('stateDir must name a directory for the warm-start files');
  if (!Number.isInteger(options.circuitFailureThreshold) || options.circuitFailureThreshold < 1)
    throw invalid('circuitFailureThreshold must be an integer >= 1');
  if (!Number.isInteger(options.registryWatchDebounceMs) || options.registryWatchDebounceMs < 0)
    throw invalid('registryWatchDebounceMs must be an integer >= 0 (0 = no watching)');
  if (!Number.isFinite(options.circuitOpenMs) || options.circuitOpenMs < 0)
    throw invalid('circuitOpenMs must be a number >= 0');
  if (!['warn', 'block', 'off'].includes(options.toolPinPolicy))
    throw invalid('toolPinPolicy must be "warn", "block" or "off"');
  if (!Number.isInteger(options.upstream.connections) || options.upstream.connections < 1)
    throw invalid('upstream.connections must be an integer >= 1');
  return {
    ...options,
    clock: options.clock ?? Date.now,
    random: options.random ?? Math.random,
    timers: options.timers ?? globalTimers,
    callRetryDelayMs: options.callRetryDelayMs ?? 250,
    watchDirectory: options.watchDirectory ?? watchDirectory,
  };
}
