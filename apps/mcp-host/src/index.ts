// The host's programmatic entry, for the workspace's bench harness and for embedding: the CLI (src/commands/cli.ts) is the
// product; this re-exports the pieces it is built from. Not a stable public API yet (the app is not published).

// The registry the manager fills: re-exported so embedders and the bench use the host's own instance of the package.
export { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
export { type HostConfig, hostConfigSchema, loadHostConfig } from './config/index.js';
export {
  type DemoConnector,
  type DemoConnectorOptions,
  MapPublisher,
  startDemoConnector,
} from './demo/index.js';
export { HOST_VERSION, type RunningHost, type StartHostOptions, startHost } from './host.js';
export { createLogger, type Logger, silentLogger } from './logger.js';
export { ConnectorProxyManager, type ConnectorProxyManagerOptions } from './manager/index.js';
export { HostMetrics } from './metrics.js';
export {
  defaultPipelineTuning,
  type PipelineTuning,
  resolveSettings,
} from './resolved-settings.js';
export { createHostHttpServer, serveStdio } from './server/index.js';
export { CONFIGURATION_REFERENCE_PATH, renderConfigurationReference } from './settings/index.js';
export type { HostStatus } from './status/index.js';
