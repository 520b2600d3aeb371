export {
  AdaptiveLimiter,
  type AdaptiveLimiterOptions,
  type AdaptiveLimiterStats,
  eventLoopLoadProbe,
  type LimitChangeReason,
  type LoadProbe,
} from './adaptive-limit.js';
export type { CircuitSnapshot, CircuitState } from './circuit-breaker.js';
export { ConnectorProxyManager } from './connector-proxy-manager.js';
export type {
  ConcurrencyMode,
  ConnectorProxyManagerOptions,
  ConnectProgressEvent,
} from './options.js';
export { isCongestionFailure } from './parallel-connect.js';
export { planReconcile, type ReconcilePlan, type RunningConnector } from './reconcile.js';
export type { DirectoryEvents, DirectoryWatcher, WatchDirectory } from './registry-file-watch.js';
export type { ManagerTimers } from './timers.js';
export { type ConnectorInstructions, UpstreamRequests } from './upstream-requests.js';
