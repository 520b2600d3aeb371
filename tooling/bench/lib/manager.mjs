// In-process ConnectorProxyManager runs (the sync scenarios). The manager needs a VersionedToolRegistry, which
// @cortex-mcp/mcp-host does not re-export and this package does not depend on; it is resolved through the host's
// own dependency so both use one module instance.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConnectorProxyManager, HostMetrics, silentLogger } from '@cortex-mcp/mcp-host';

const hostRequire = createRequire(import.meta.resolve('@cortex-mcp/mcp-host'));
const toolRegistryCjs = hostRequire.resolve('@cortex-mcp/tool-registry');
/** @type {typeof import('@cortex-mcp/tool-registry')} */
const toolRegistry = await import(pathToFileURL(toolRegistryCjs.replace(/index\.cjs$/, 'index.js')).href);
export const { VersionedToolRegistry } = toolRegistry;

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
    agent: { perConnector: options.perConnectorAgent ?? false },
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
