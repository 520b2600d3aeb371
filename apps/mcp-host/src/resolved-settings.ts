import { type HostConfig, hostConfigSchema } from './config/index.js';
import type { SpecDefaults } from './connectors/index.js';
import type { ConnectorProxyManagerOptions } from './manager/index.js';
import { MAX_TIMER_MS } from './max-timer.js';
import type { HostHttpServerOptions } from './server/index.js';
import type { WarmCatalogueSettings } from './startup/index.js';
import type { UpstreamSettings } from './upstream/index.js';

/** The manager options that come from the host configuration; the caller adds registry, metrics, logger, version. */
export type ManagerSettings = Omit<
  ConnectorProxyManagerOptions,
  'registry' | 'metrics' | 'logger' | 'version' | 'onUpstreamLog'
>;

/** The HTTP surface's options that come from the host configuration. */
export type ServerSettings = Required<
  Pick<
    HostHttpServerOptions,
    'host' | 'port' | 'allowedHosts' | 'allowedOrigins' | 'sessionIdleTimeoutMs' | 'maxSessions' | 'opsScope'
  >
>;

/**
 * The configuration resolved once into the values each running part takes: the manager, the HTTP surface, the warm
 * start, the upstream pool (the manager's and `mcp-host doctor`'s) and the defaults of every connector spec. Every
 * value is explicit here — the parts have no defaults of their own for a setting — so a setting cannot reach one
 * part and miss another, and the documented default is the value every part runs with (test/config/defaults.test.ts).
 */
export interface ResolvedSettings {
  readonly manager: ManagerSettings;
  readonly server: ServerSettings;
  readonly warmStart: WarmCatalogueSettings;
  readonly upstream: UpstreamSettings;
  readonly specDefaults: SpecDefaults;
  readonly catalogue: CatalogueSettings;
  readonly firstList: FirstListSettings;
}

/**
 * Whether a cold start's first lists wait for the first sync, and for how long at most (startup/'s
 * `FirstListWait` applies the bound). The margin past the connect timeout covers what the first sync does around
 * its connects: loading the connect phase, the map, saving the catalogue.
 */
export interface FirstListSettings {
  /** False: lists answer at once, whatever has connected. */
  readonly wait: boolean;
  /** The most a list waits, from the first list that waits: `connectTimeoutMs` + {@link FIRST_LIST_MARGIN_MS}. */
  readonly boundMs: number;
}

/** What a cold start's first list may wait beyond the connect timeout, in ms. */
export const FIRST_LIST_MARGIN_MS = 1_000;

/** How the catalogue names what it serves and what `initialize` says: the registry's and the MCP surface's settings. */
export interface CatalogueSettings {
  /** The registry's prefix mode (tools, prompts, resource and template URIs). */
  readonly namePrefix: HostConfig['namePrefix'];
  /** Budget of the composed `instructions`, in UTF-8 bytes (0: none). */
  readonly instructionsMaxBytes: number;
  /** How long a request relayed from an upstream to the calling client waits for its answer, in ms. */
  readonly clientRequestTimeoutMs: number;
}

/** The settings that tune the sync pipeline, as opposed to where its map, files and keys are. */
export type PipelineTuning = Pick<
  ManagerSettings,
  | 'jitterFactor'
  | 'concurrency'
  | 'concurrencyMode'
  | 'concurrencyMin'
  | 'concurrencyMax'
  | 'serviceMapEtag'
  | 'upstream'
  | 'circuitFailureThreshold'
  | 'circuitOpenMs'
  | 'toolPinPolicy'
  | 'registryWatchDebounceMs'
>;

/** The pipeline's tuning from the configuration; with the schema's defaults, what a host runs with by default. */
export function pipelineTuning(
  config: Pick<
    HostConfig,
    | 'jitterFactor'
    | 'concurrency'
    | 'concurrencyMode'
    | 'concurrencyMin'
    | 'concurrencyMax'
    | 'serviceMapEtag'
    | 'poolConnections'
    | 'http2'
    | 'egressAllowedNetworks'
    | 'egressAllowInsecureHttp'
    | 'circuitFailureThreshold'
    | 'circuitOpenMs'
    | 'toolPinPolicy'
    | 'registryWatchDebounceMs'
  >,
): PipelineTuning {
  return {
    jitterFactor: config.jitterFactor,
    concurrency: config.concurrency,
    concurrencyMode: config.concurrencyMode,
    concurrencyMin: config.concurrencyMin,
    concurrencyMax: config.concurrencyMax,
    serviceMapEtag: config.serviceMapEtag,
    upstream: {
      connections: config.poolConnections,
      http2: config.http2,
      allowedNetworks: config.egressAllowedNetworks,
      allowInsecureHttp: config.egressAllowInsecureHttp,
    },
    circuitFailureThreshold: config.circuitFailureThreshold,
    circuitOpenMs: config.circuitOpenMs,
    toolPinPolicy: config.toolPinPolicy,
    registryWatchDebounceMs: config.registryWatchDebounceMs,
  };
}

/**
 * The sync pipeline's tuning at its documented defaults (adaptive connects, the pool, the circuit, tool pinning, the
 * map's ETag, the registry file's watch), for code that builds a `ConnectorProxyManager` by hand (the bench, the soak test, embedders): the
 * manager has no defaults of its own for a setting.
 */
export function defaultPipelineTuning(): PipelineTuning {
  return pipelineTuning(hostConfigSchema.parse({}));
}

/** Resolves the host configuration. Nothing of the connect phase: the host calls it before that is loaded. */
export function resolveSettings(config: HostConfig): ResolvedSettings {
  const tuning = pipelineTuning(config);
  const { upstream } = tuning;
  const specDefaults: SpecDefaults = {
    connectTimeoutMs: config.connectTimeoutMs,
    callTimeoutMs: config.callTimeoutMs,
    apiKeyConfigured: Boolean(config.apiKey),
  };
  return {
    upstream,
    specDefaults,
    catalogue: {
      namePrefix: config.namePrefix,
      instructionsMaxBytes: config.instructionsMaxBytes,
      clientRequestTimeoutMs: config.clientRequestTimeoutMs,
    },
    firstList: {
      wait: config.firstListWait,
      boundMs: Math.min(config.connectTimeoutMs + FIRST_LIST_MARGIN_MS, MAX_TIMER_MS),
    },
    manager: {
      serviceMapUrl: config.serviceMapUrl,
      signatureKeys: config.signatureKeys,
      apiKey: config.apiKey,
      refreshSync: config.refreshSync,
      refreshIntervalMs: config.refreshIntervalMs,
      ...tuning,
      connectTimeoutMs: config.connectTimeoutMs,
      callTimeoutMs: config.callTimeoutMs,
      mapTimeoutMs: config.mapTimeoutMs,
      mapMaxBytes: config.mapMaxBytes,
      redis: config.redisUrl
        ? { url: config.redisUrl, keyPrefix: config.redisKeyPrefix, leaseMs: config.redisLeaseMs }
        : undefined,
      registryPath: config.registryPath,
      stateDir: config.stateDir,
    },
    server: {
      host: config.host,
      port: config.port,
      allowedHosts: [...config.allowedHosts],
      allowedOrigins: [...config.allowedOrigins],
      sessionIdleTimeoutMs: config.sessionIdleTimeoutMs,
      maxSessions: config.maxSessions,
      opsScope: config.opsScope,
    },
    warmStart: {
      stateDir: config.stateDir,
      registryPath: config.registryPath,
      serviceMapUrl: config.serviceMapUrl,
      signatureKeys: config.signatureKeys,
      specDefaults,
    },
  };
}
