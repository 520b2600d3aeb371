export type { ConnectorAuth } from './auth-headers.js';
export type { ProxyTimers, ReconnectOptions } from './backoff.js';
export type { CatalogueKind, UpstreamCatalogue } from './catalogue-kinds.js';
export {
  ConnectorProxyError,
  type ConnectorProxyErrorCode,
  ConnectorUnavailableError,
  type UpstreamRpcError,
} from './errors.js';
export { preserveNotificationOrder } from './message-order.js';
export type {
  ConnectorTransportKind,
  ProxyClientCapabilities,
  ProxyLogger,
  RemoteToolProxyOptions,
} from './options.js';
export type {
  CallHandlers,
  ServerRequest,
  ServerRequestContext,
  UpstreamLogEntry,
} from './relay-types.js';
export { RemoteToolProxy } from './remote-tool-proxy.js';
export type { CallToolOptions } from './request-forwarding.js';
export type { TaskCreation, TaskMethod } from './task-requests.js';
export type { ConcreteTransportKind } from './transports.js';
export type { ProxyState } from './upstream-connection.js';
