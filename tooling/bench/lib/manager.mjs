// In-process ConnectorProxyManager runs (the sync scenarios), with the host's own VersionedToolRegistry.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ConnectorProxyManager,
  defaultPipelineTuning,
  HostMetrics,
  silentLogger,
  VersionedToolRegistry,
} from '@cortex-mcp/mcp-host';

export { VersionedToolRegistry };

/**
 * @typedef {object} BenchManagerOptions
 * @property {string} [serviceMapUrl]
 * @property {string} [signatureKey]
 * @property {string} [registryPath]
 * @property {number} concurrency
 * @property {boolean} [perConnectorAgent] the seed's baseline: a new connection pool per connector
 * @property {'fixed' | 'adaptive'} [concurrencyMode] default fixed
 * @property {number} [concurrencyMax] adaptive ceiling (default: the host's)
 * @property {string} [stateDir] default: a fresh temp dir, removed by `dispose()`
 */

/**
 * A manager in sync mode (start() syncs before resolving, no scheduler), with a registry and silent logs.
 * @param {BenchManagerOptions} options
 */
export function createBenchManager(options) {
  const ownStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'cortex-bench-state-'));
  const logger = silentLogger();
  const registry = new VersionedToolRegistry({ logger });
  const manager = new ConnectorProxyManager({
    ...defaultPipelineTuning(),
    serviceMapUrl: options.serviceMapUrl,
    signatureKeys: options.signatureKey ? [options.signatureKey] : [],
    registryPath: options.registryPath,
    refreshSync: true,
    refreshIntervalMs: 3_600_000,
    concurrency: options.concurrency,
    concurrencyMode: options.concurrencyMode ?? 'fixed',
    ...(options.concurrencyMax === undefined ? {} : { concurrencyMax: options.concurrencyMax }),

    connectTimeoutMs: 60_000,
    callTimeoutMs: 60_000,
    mapTimeoutMs: 30_000,
    mapMaxBytes: 50 * 1024 * 1024,
    stateDir,
    registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    logger,
    version: 'bench',
    perConnectorAgent: options.perConnectorAgent ?? false,
  });
  return {
    manager,
    registry,
    stateDir,
    async dispose() {
      await manager.disconnect();
      if (ownStateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The two sync configurations the seed compares. */
export const SYNC_MODES = {
  sequential: { concurrency: 1, perConnectorAgent: true },
  ours: { concurrency: 4, perConnectorAgent: false },
  adaptive: { concurrency: 4, perConnectorAgent: false, concurrencyMode: 'adaptive' },
};
