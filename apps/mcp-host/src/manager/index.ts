export { ConnectorProxyManager } from './connector-proxy-manager.js';
export {
  type ConnectorOrigin,
  type ConnectorSpec,
  connectionFingerprint,
  specFromServer,
  specsFromMap,
  transportOf,
} from './connector-spec.js';
export { ConnectorManagerError, type ConnectorManagerErrorCode } from './errors.js';
export type { ConnectorProxyManagerOptions, ManagerTimers } from './options.js';
export { planReconcile, type ReconcilePlan, type RunningConnector } from './reconcile.js';
export { redactUrl } from './redact-url.js';
export type { ToolCallErrorKind } from './tool-call-outcome.js';
export { STATE_FILES } from './warm-state-store.js';
