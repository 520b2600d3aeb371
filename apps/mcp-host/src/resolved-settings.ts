import type { HostConfig } from './config/index.js';
import type { SpecDefaults } from './connectors/index.js';
import type { ConnectorProxyManagerOptions } from './manager/index.js';
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
    'host' | 'port' | 'allowedHosts' | 'allowedOrigins' | 'sessionIdleTimeoutMs' | 'maxSessions'
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
}

/** Resolves the host configuration. Type imports only: the host calls it before the connect phase is loaded. */
export function resolveSettings(config: HostConfig): ResolvedSettings {
  const upstream: UpstreamSettings = {
    connections: config.poolConnections,
    http2: config.http2,
    allowedNetworks: config.egressAllowedNetworks,
    allowInsecureHttp: config.egressAllowInsecureHttp,
  };
  const specDefaults: SpecDefaults = {
    connectTimeoutMs: config.connectTimeoutMs,
    callTimeoutMs: config.callTimeoutMs,
    apiKeyConfigured: Boolean(config.apiKey),
  };
  return {
    upstream,
    specDefaults,
    manager: {
      serviceMapUrl: config.serviceMapUrl,
      signatureKeys: config.signatureKeys,
      apiKey: config.apiKey,
      refreshSync: config.refreshSync,
      refreshIntervalMs: config.refreshIntervalMs,
      jitterFactor: config.jitterFactor,
      concurrency: config.concurrency,
      concurrencyMode: config.concurrencyMode,
      concurrencyMin: config.concurrencyMin,
      concurrencyMax: config.concurrencyMax,
      connectTimeoutMs: config.connectTimeoutMs,
      callTimeoutMs: config.callTimeoutMs,
      mapTimeoutMs: config.mapTimeoutMs,
      mapMaxBytes: config.mapMaxBytes,
      serviceMapEtag: config.serviceMapEtag,
      upstream,
      circuitFailureThreshold: config.circuitFailureThreshold,
      circuitOpenMs: config.circuitOpenMs,
      toolPinPolicy: config.toolPinPolicy,
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
