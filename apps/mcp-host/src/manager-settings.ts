import type { HostConfig } from './config/index.js';
import type { ConnectorProxyManagerOptions } from './manager/index.js';

/** The manager options that come from the host configuration; the caller adds registry, metrics, logger, version. */
export type ManagerSettings = Omit<
  ConnectorProxyManagerOptions,
  'registry' | 'metrics' | 'logger' | 'version' | 'onUpstreamLog'
>;

/**
 * Maps the host configuration onto the manager's options, in one place for every command that runs a manager
 * (`serve`/`demo` through the host, `tools` directly), so a new setting cannot reach one and miss another.
 * Type imports only: the host calls it before the connect phase's modules are loaded.
 */
export function managerSettings(config: HostConfig): ManagerSettings {
  return {
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
    agent: { connections: config.poolConnections, http2: config.http2 },
    circuitFailureThreshold: config.circuitFailureThreshold,
    circuitOpenMs: config.circuitOpenMs,
    toolPinPolicy: config.toolPinPolicy,
    redis: config.redisUrl
      ? { url: config.redisUrl, keyPrefix: config.redisKeyPrefix, leaseMs: config.redisLeaseMs }
      : undefined,
    egress: {
      allowedNetworks: config.egressAllowedNetworks,
      allowInsecureHttp: config.egressAllowInsecureHttp,
    },
    registryPath: config.registryPath,
    stateDir: config.stateDir,
  };
}
