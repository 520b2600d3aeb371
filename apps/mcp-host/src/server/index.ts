export type { HostServerErrorCode } from './errors.js';
export { HostServerError } from './errors.js';
export type { HostHttpServer, HostHttpServerOptions } from './http-server.js';
export { createHostHttpServer } from './http-server.js';
export type { HttpSessionTransportOptions } from './http-session-transport.js';
export { HttpSessionTransport } from './http-session-transport.js';
export { HOST_SERVER_CAPABILITIES } from './mcp-session.js';
export type { Readiness } from './ops-routes.js';
export { OPS_PATHS } from './ops-routes.js';
export { defaultAllowedHosts, defaultAllowedOrigins } from './request-guard.js';
export type { McpSessionGroupOptions } from './session-group.js';
export { McpSessionGroup } from './session-group.js';
export { STATUS_PAGE_CSP, STATUS_PAGE_PATHS } from './status-page/index.js';
export type { StdioServerOptions, StdioSurface } from './stdio-server.js';
export { serveStdio } from './stdio-server.js';
export { toListedTool } from './tool-listing.js';
export type {
  HostServerInfo,
  HostServerLogger,
  HostServerTimers,
  McpSurface,
  ToolSource,
  UpstreamLogEntry,
} from './types.js';
