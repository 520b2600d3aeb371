export {
  buildRequestHeaders,
  type ConnectorAuth,
  DEFAULT_API_KEY_HEADER,
} from './auth-headers.js';
export {
  backoffDelayMs,
  DEFAULT_RECONNECT,
  type ProxyTimers,
  type ReconnectOptions,
} from './backoff.js';
export {
  ConnectorProxyError,
  type ConnectorProxyErrorCode,
  ConnectorUnavailableError,
} from './errors.js';
export { preserveNotificationOrder } from './message-order.js';
export type {
  ConnectorTransportKind,
  ProxyLogger,
  RemoteToolProxyOptions,
  UpstreamLogEntry,
} from './options.js';
export {
  type CallToolOptions,
  type ProxyState,
  RemoteToolProxy,
} from './remote-tool-proxy.js';
export { type ConcreteTransportKind, createDispatchingFetch } from './transports.js';
