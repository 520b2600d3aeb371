export {
  AdaptiveLimiter,
  type AdaptiveLimiterOptions,
  type AdaptiveLimiterStats,
  eventLoopLoadProbe,
  type LimitChangeReason,
  type LoadProbe,
} from './adaptive-limit.js';
export type { CircuitSnapshot, CircuitState } from './circuit-breaker.js';
export { isCongestionFailure } from './connect-phase.js';
export { ConnectorProxyManager } from './connector-proxy-manager.js';
export {
  type ConnectorOrigin,
  type ConnectorSpec,
  connectionFingerprint,
  specFromServer,
  specsFromMap,
  transportOf,
} from './connector-spec.js';
export { EgressPolicy, type EgressPolicyOptions } from './egress-policy.js';
export { ConnectorManagerError, type ConnectorManagerErrorCode } from './errors.js';
export type {
  ConcurrencyMode,
  ConnectorProxyManagerOptions,
  ConnectProgressEvent,
  ManagerTimers,
} from './options.js';
export { planReconcile, type ReconcilePlan, type RunningConnector } from './reconcile.js';
export { redactUrl } from './redact-url.js';
export type { ToolCallErrorKind } from './tool-call-outcome.js';
export {
  approvePendingPins,
  parseToolPins,
  type ToolPinPolicy,
  type ToolPinsFile,
} from './tool-pins.js';
export { STATE_FILES } from './warm-state-store.js';
