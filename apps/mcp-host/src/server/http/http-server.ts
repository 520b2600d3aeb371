import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Door, OPEN_DOOR } from '../../auth/index.js';
import { MAX_TIMER_MS } from '../../max-timer.js';
import type { HostMetrics } from '../../metrics.js';
import { HostServerError } from '../errors.js';
import { McpSessionGroup, type McpSessionGroupOptions } from '../mcp/index.js';
import type { HostServerLogger, HostServerTimers, McpSurface } from '../types.js';
import { admit, DEFAULT_OPS_SCOPE, sendRefusal } from './door-check.js';
import { sendJson, sendJsonRpcError } from './http-responses.js';
import { StreamableHttpSessions } from './http-sessions.js';
import { createOpsRoutes, OPS_PATHS, type OpsPath, type Readiness } from './ops-routes.js';
import { bracketIpv6, createRequestGuard, type RequestGuard } from './request-guard.js';
import { isStatusPagePath, STATUS_PAGE_PATHS, serveStatusPage } from './status-page/index.js';

/** Options of {@link createHostHttpServer}: what every session serves (as `McpSessionGroup` takes it), and HTTP's own. */
export interface HostHttpServerOptions extends McpSessionGroupOptions {
  /** Renders `/metrics`. */
  readonly metrics: Pick<HostMetrics, 'render'>;
  /** Address to bind. Default `127.0.0.1`: loopback only. */
  readonly host?: string;
  /** Port to bind. Default 0: an ephemeral port (read it from the result). */
  readonly port?: number;
  /** Accepted `Host` headers (`host:port`). Empty (default): loopback names and the bind address, with the port. */
  readonly allowedHosts?: readonly string[];
  /** Accepted `Origin` headers. Empty (default): `http://` + each default host. */
  readonly allowedOrigins?: readonly string[];
  /** The `/status` document; it must hold no secret. */
  readonly getStatus: () => unknown;
  /** `/readyz` answers 200 once this is true (503 before, and while draining). */
  readonly isReady: () => Readiness;
  /** Largest accepted request body. Default 4 MiB. */
  readonly maxRequestBodyBytes?: number;
  /**
   * Milliseconds a session may stay idle (no request, no call running, no GET stream open) before it is closed;
   * later requests with its id get 404, so the client starts a new session. 0: never. Default 30 minutes.
   */
  readonly sessionIdleTimeoutMs?: number;
  /**
   * Most MCP sessions open at once. A new session beyond it evicts the longest-idle session; when every session is
   * busy it is refused with 503. Default 1000.
   */
  readonly maxSessions?: number;
  /** Milliseconds for session idle time; only differences are used. Default `performance.now()`. */
  readonly clock?: () => number;
  /** Timers for drain deadlines, session idle expiry and GET stream keep-alives. Default the global ones. */
  readonly timers?: HostServerTimers;
  /**
   * Checks every request's credential before anything else reads it (`/healthz` and `/readyz` excepted), and binds
   * each MCP session to the identity that opened it. Default: the open door (no credential asked).
   */
  readonly door?: Door;
  /** The scope `/status`, `/metrics` and the status page need when the door asks for credentials. Default `mcp:ops`. */
  readonly opsScope?: string;
}

/** A running HTTP surface: MCP at `url`, ops endpoints beside it. */
export interface HostHttpServer extends McpSurface {
  /** The MCP endpoint, e.g. `http://127.0.0.1:41234/mcp`. */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** Open MCP sessions. */
  readonly sessionCount: number;
}

const DEFAULT_MAX_REQUEST_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_SESSION_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
const DEFAULT_MAX_SESSIONS = 1000;
const silent: HostServerLogger = { warn: () => {} };

/**
 * Serves the registry as one MCP server over Streamable HTTP at `/mcp`, plus `/metrics`, `/healthz`, `/readyz`,
 * `/status` and the live status page at `/` (with its script and stylesheet), on one `node:http` server. Every path
 * is guarded against DNS rebinding (`Host` and `Origin`).
 *
 * @throws {HostServerError} `invalid_options` for a bad port, host or list; `listen_failed` when binding fails.
 */
export async function createHostHttpServer(options: HostHttpServerOptions): Promise<HostHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? silent;
  const maxRequestBodyBytes = options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES;
  const sessionIdleTimeoutMs = options.sessionIdleTimeoutMs ?? DEFAULT_SESSION_IDLE_TIMEOUT_MS;
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  validateOptions(options, host, { maxRequestBodyBytes, sessionIdleTimeoutMs, maxSessions });
  const clock = options.clock ?? (() => performance.now());
  const timers = options.timers ?? { setTimeout, clearTimeout };
  const door = options.door ?? OPEN_DOOR;
  const opsScope = options.opsScope ?? DEFAULT_OPS_SCOPE;

  const group = new McpSessionGroup({
    registry: options.registry,
    ...(options.upstream && { upstream: options.upstream }),
    ...(options.instructionsMaxBytes !== undefined && { instructionsMaxBytes: options.instructionsMaxBytes }),
    ...(options.clientRequestTimeoutMs !== undefined && {
      clientRequestTimeoutMs: options.clientRequestTimeoutMs,
    }),
    ...(options.audit && { audit: options.audit }),
    serverInfo: options.serverInfo,
    firstListReady: options.firstListReady,
    logger,
    timers,
  });
  const sessions = new StreamableHttpSessions({
    group,
    logger,
    maxRequestBodyBytes,
    sessionIdleTimeoutMs,
    maxSessions,
    clock,
    timers,
  });
  const ops = createOpsRoutes({
    metrics: options.metrics,
    getStatus: options.getStatus,
    isReady: options.isReady,
    isDraining: () => group.draining,
    logger,
  });
  // Set once the real port is known; no request can be handled before the listen callback runs.
  let guard: RequestGuard | undefined;

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const refusal = guard
      ? guard(request.headers)
      : { status: 403 as const, message: 'Forbidden: starting up.' };
    if (refusal) {
      logger.warn(
        { host: request.headers.host, origin: request.headers.origin, path: pathOf(request) },
        'refused a request (DNS rebinding protection)',
      );
      sendJsonRpcError(response, refusal.status, -32000, refusal.message);
      return;
    }
    const path = pathOf(request);
    if (path !== '/mcp' && !isOpsPath(path) && !isStatusPagePath(path)) {
      sendJson(response, 404, {
        error: `Not Found: this server answers /mcp, ${OPS_PATHS.join(', ')} and the status page at ${STATUS_PAGE_PATHS.join(', ')}.`,
      });
      return;
    }
    const admitted = admit(door, opsScope, path, request.headers);
    if ('refusal' in admitted) {
      logger.info?.({ path, status: admitted.refusal.status }, 'refused a request at the door');
      sendRefusal(response, admitted.refusal);
      return;
    }
    if (path === '/mcp') return sessions.handle(request, response, admitted.identity);
    if (isOpsPath(path)) return ops[path](request, response);
    return serveStatusPage(path, request, response);
  };

  const httpServer = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      logger.error?.({ err: error, path: pathOf(request) }, 'request failed');
      if (!response.headersSent) sendJsonRpcError(response, 500, -32603, 'Internal error; see the host log.');
      else response.end();
    });
  });

  const port = await listen(httpServer, host, options.port ?? 0).catch(async (error: unknown) => {
    door.close?.();
    await group.close();
    sessions.close();
    throw error;
  });
  guard = createRequestGuard({
    bindHost: host,
    port,
    allowedHosts: options.allowedHosts ?? [],
    allowedOrigins: options.allowedOrigins ?? [],
  });
  const url = `http://${bracketIpv6(urlHost(host))}:${port}/mcp`;
  logger.info?.({ url }, 'MCP server listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    get sessionCount() {
      return group.sessionCount;
    },
    elicitationComplete: (connectorId, elicitationId) =>
      group.elicitationComplete(connectorId, elicitationId),
    resourceUpdated: (connectorId, uri) => group.resourceUpdated(connectorId, uri),
    drain: (timeoutMs) => group.drain(timeoutMs),
    close: () => {
      door.close?.();
      closing ??= closeAll(group, sessions, httpServer);
      return closing;
    },
  };
}

async function closeAll(
  group: McpSessionGroup,
  sessions: StreamableHttpSessions,
  httpServer: Server,
): Promise<void> {
  await group.close();
  sessions.close();
  const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
  // Idle keep-alive sockets and any stream the SDK did not end would otherwise hold close() open.
  httpServer.closeAllConnections();
  await closed;
}

function listen(httpServer: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      reject(
        new HostServerError(
          'listen_failed',
          `Could not listen on ${bracketIpv6(host)}:${port}: ${error.message}. Pick another port or host.`,
          { cause: error },
        ),
      );
    };
    httpServer.once('error', onError);
    httpServer.listen(port, host, () => {
      httpServer.off('error', onError);
      resolve((httpServer.address() as AddressInfo).port);
    });
  });
}

function validateOptions(
  options: HostHttpServerOptions,
  host: string,
  limits: { maxRequestBodyBytes: number; sessionIdleTimeoutMs: number; maxSessions: number },
): void {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new HostServerError('invalid_options', `port must be an integer from 0 to 65535, got ${port}.`);
  }
  if (typeof host !== 'string' || host.trim() === '') {
    throw new HostServerError('invalid_options', 'host must be a non-empty address, e.g. "127.0.0.1".');
  }
  for (const [name, list] of [
    ['allowedHosts', options.allowedHosts],
    ['allowedOrigins', options.allowedOrigins],
  ] as const) {
    if (list !== undefined && (!Array.isArray(list) || list.some((entry) => typeof entry !== 'string'))) {
      throw new HostServerError('invalid_options', `${name} must be an array of strings.`);
    }
  }
  const { maxRequestBodyBytes, sessionIdleTimeoutMs, maxSessions } = limits;
  if (!Number.isInteger(maxRequestBodyBytes) || maxRequestBodyBytes <= 0) {
    throw new HostServerError(
      'invalid_options',
      `maxRequestBodyBytes must be a positive integer, got ${maxRequestBodyBytes}.`,
    );
  }
  if (
    !Number.isInteger(sessionIdleTimeoutMs) ||
    sessionIdleTimeoutMs < 0 ||
    sessionIdleTimeoutMs > MAX_TIMER_MS
  ) {
    throw new HostServerError(
      'invalid_options',
      `sessionIdleTimeoutMs must be an integer from 0 (never expire) to ${MAX_TIMER_MS}, got ${sessionIdleTimeoutMs}.`,
    );
  }
  if (!Number.isInteger(maxSessions) || maxSessions <= 0) {
    throw new HostServerError(
      'invalid_options',
      `maxSessions must be a positive integer, got ${maxSessions}.`,
    );
  }
}

/** Where a client on this machine reaches a server bound to `host` (wildcards mean loopback works). */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host;
}

function pathOf(request: IncomingMessage): string {
  const target = request.url ?? '/';
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

function isOpsPath(path: string): path is OpsPath {
  return (OPS_PATHS as readonly string[]).includes(path);
}
