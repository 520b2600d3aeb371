export type { HostServerErrorCode } from './errors.js';
export { HostServerError } from './errors.js';
export {
  createHostHttpServer,
  defaultAllowedHosts,
  defaultAllowedOrigins,
  type HostHttpServer,
  type HostHttpServerOptions,
  HttpSessionTransport,
  type HttpSessionTransportOptions,
  OPS_PATHS,
  type Readiness,
  STATUS_PAGE_CSP,
  STATUS_PAGE_PATHS,
} from './http/index.js';
export {
  type AuditEntry,
  type AuditSink,
  HOST_SERVER_CAPABILITIES,
  McpSessionGroup,
  type McpSessionGroupOptions,
  toListedTool,
} from './mcp/index.js';
export type { StdioServerOptions, StdioSurface } from './stdio-server.js';
export { serveStdio } from './stdio-server.js';
export type {
  CatalogueSource,
  HostServerInfo,
  HostServerLogger,
  HostServerTimers,
  McpSurface,
  ToolSource,
  UpstreamInstructions,
  UpstreamRouter,
} from './types.js';
