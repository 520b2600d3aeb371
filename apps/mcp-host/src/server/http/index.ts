export { createHostHttpServer, type HostHttpServer, type HostHttpServerOptions } from './http-server.js';
export { HttpSessionTransport, type HttpSessionTransportOptions } from './http-session-transport.js';
export { OPS_PATHS, type Readiness } from './ops-routes.js';
export { defaultAllowedHosts, defaultAllowedOrigins } from './request-guard.js';
export { STATUS_PAGE_CSP, STATUS_PAGE_PATHS } from './status-page/index.js';
