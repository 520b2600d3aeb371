import type {
  ClientCapabilities,
  Implementation,
  ListRootsResult,
  LoggingLevel,
  Task,
  Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { Dispatcher } from 'undici';
import type { ConnectorAuth } from './auth-headers.js';
import { DEFAULT_RECONNECT, GLOBAL_TIMERS, type ProxyTimers, type ReconnectOptions } from './backoff.js';
import type { CatalogueKind } from './catalogue-kinds.js';
import { ConnectorProxyError } from './errors.js';
import type { ServerRequestContext, UpstreamLogEntry } from './relay-types.js';

export type { UpstreamLogEntry } from './relay-types.js';

/** How the proxy reaches the upstream. `auto` tries Streamable HTTP, then falls back to the legacy SSE transport. */
export type ConnectorTransportKind = 'streamable-http' | 'sse' | 'auto' | 'stdio';

/** A pino-compatible logger. Only `warn` is required. */
export interface ProxyLogger {
  warn(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
  error?(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

/** The client capabilities the proxy declares upstream in `initialize`, so upstreams offer what needs them. */
export type ProxyClientCapabilities = Pick<ClientCapabilities, 'sampling' | 'elicitation' | 'roots'>;

/** Options of {@link RemoteToolProxy}. */
export interface RemoteToolProxyOptions {
  /** The connector id: appears in errors and logs. */
  id: string;
  /** Default `streamable-http`. */
  transport?: ConnectorTransportKind;
  /** Upstream MCP endpoint for the HTTP transports (for `sse`, the URL of the event stream). */
  url?: string | URL;
  /** Executable for `stdio`. */
  command?: string;
  /** Arguments for `stdio`. */
  args?: string[];
  /** Extra environment for `stdio`, merged over the SDK's safe default environment. */
  env?: Record<string, string>;
  /** Working directory for `stdio`. */
  cwd?: string;
  /** How to authenticate (HTTP transports only). Default `none`. */
  auth?: ConnectorAuth;
  /** Extra static headers sent with every HTTP request. */
  headers?: Record<string, string>;
  /** Dispatcher for every request/response (POST, DELETE). Default: undici's global dispatcher. */
  dispatcher?: Dispatcher;
  /**
   * Dispatcher for long-lived event-stream GETs (the SSE stream, Streamable HTTP's standalone stream), so they
   * never hold slots of `dispatcher`'s pool. Default: an `Agent` the proxy owns and destroys on `disconnect()`.
   * A dispatcher passed here is never closed by the proxy.
   */
  streamDispatcher?: Dispatcher;
  /** Bound on the whole handshake, in ms (default 10 000). */
  connectTimeoutMs?: number;
  /** Default timeout of each upstream request, in ms (default 60 000). Progress resets it. */
  callTimeoutMs?: number;
  /** Reconnect backoff after a lost connection. */
  reconnect?: ReconnectOptions;
  /** Sent in `initialize`. Default `{ name: 'cortex-mcp-connector-proxy', version }`. */
  clientInfo?: Implementation;
  /** When set, sent as `logging/setLevel` after each connect if the upstream supports logging. */
  logLevel?: LoggingLevel;
  /** Where the proxy reports its own events. Default: silent. */
  logger?: ProxyLogger;
  /** Randomness for backoff jitter, in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Timers for reconnect delays and the connect timeout. Default: the global ones. */
  timers?: ProxyTimers;
  /** Called with `true`/`false` on every transition between connected and not connected. */
  onAvailabilityChange?: (available: boolean) => void;
  /** Called with the full tool list when it changed after `list_changed` or a reconnect. */
  onToolsChanged?: (tools: Tool[]) => void;
  /**
   * Called with a kind and its full new list when that list changed after the upstream's `list_changed`
   * (`resources/list_changed` re-lists resources and resource templates) or a reconnect. Tools too, besides
   * `onToolsChanged`. `items` are `Tool[]`, `Resource[]`, `ResourceTemplate[]` or `Prompt[]`, as the kind says.
   */
  onCatalogueChanged?: (kind: CatalogueKind, items: unknown[]) => void;
  /** Called with the URI (as the upstream wrote it) of each upstream `notifications/resources/updated`. */
  onResourceUpdated?: (uri: string) => void;
  /**
   * Called for every upstream `notifications/message` that no forwarded request's own `onLog` took: those related
   * to no request (`related: false`) and those of requests that gave no `onLog` (`related: true`).
   */
  onLog?: (entry: UpstreamLogEntry) => void;
  /**
   * Declared upstream in `initialize` (default none). Server→client requests are answered by the `onRequest` of the
   * forwarded request they belong to; those that belong to none are refused (-32603), except `roots/list`.
   */
  clientCapabilities?: ProxyClientCapabilities;
  /**
   * Called with the id of each upstream `notifications/elicitation/complete` (a URL-mode elicitation finished). It
   * is sent on no request's stream: relate it by the id, which the upstream chose in its `elicitation/create` or its
   * `-32042` error.
   */
  onElicitationComplete?: (elicitationId: string) => void;
  /** Called with each upstream `notifications/tasks/status` (a task's new status, as the upstream sent it). */
  onTaskStatus?: (task: Task) => void;
  /** Answers a `roots/list` that belongs to no forwarded request. Without it, such a request is refused. */
  onRootsList?: (context: ServerRequestContext) => Promise<ListRootsResult>;
}

/** Options after defaults and validation. */
export interface ResolvedOptions extends RemoteToolProxyOptions {
  transport: ConnectorTransportKind;
  connectTimeoutMs: number;
  callTimeoutMs: number;
  reconnect: Required<ReconnectOptions>;
  clientInfo: Implementation;
  random: () => number;
  timers: ProxyTimers;
  url?: URL;
}

/** This package's version, sent as the default `clientInfo.version`. */
export const PACKAGE_VERSION = '0.1.0';

const TRANSPORTS: readonly ConnectorTransportKind[] = ['streamable-http', 'sse', 'auto', 'stdio'];
const silentLogger: ProxyLogger = { warn: () => {} };

/**
 * Applies defaults and checks the options that would otherwise fail late and obscurely.
 *
 * @throws {ConnectorProxyError} `invalid_options`.
 */
export function resolveOptions(options: RemoteToolProxyOptions): ResolvedOptions {
  const id = options.id;
  if (typeof id !== 'string' || id.length === 0) {
    throw new ConnectorProxyError('invalid_options', String(id), 'RemoteToolProxy needs a non-empty `id`.');
  }
  const invalid = (problem: string) =>
    new ConnectorProxyError(
      'invalid_options',
      id,
      `Connector "${id}": ${problem}. Fix the connector options.`,
    );
  const transport = options.transport ?? 'streamable-http';
  if (!TRANSPORTS.includes(transport)) throw invalid(`transport must be one of ${TRANSPORTS.join(', ')}`);
  let url: URL | undefined;
  if (transport === 'stdio') {
    if (!options.command) throw invalid('transport "stdio" needs a `command`');
  } else {
    url = parseHttpUrl(options.url, invalid);
  }
  const reconnect = { ...DEFAULT_RECONNECT, ...options.reconnect };
  for (const [name, value] of Object.entries({
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    callTimeoutMs: options.callTimeoutMs ?? 60_000,
    'reconnect.initialDelayMs': reconnect.initialDelayMs,
    'reconnect.maxDelayMs': reconnect.maxDelayMs,
  })) {
    if (!Number.isFinite(value) || value <= 0) throw invalid(`${name} must be a positive number of ms`);
  }
  if (!Number.isFinite(reconnect.factor) || reconnect.factor < 1)
    throw invalid('reconnect.factor must be >= 1');
  return {
    ...options,
    transport,
    url,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    callTimeoutMs: options.callTimeoutMs ?? 60_000,
    reconnect,
    clientInfo: options.clientInfo ?? { name: 'cortex-mcp-connector-proxy', version: PACKAGE_VERSION },
    logger: options.logger ?? silentLogger,
    random: options.random ?? Math.random,
    timers: options.timers ?? GLOBAL_TIMERS,
  };
}

function parseHttpUrl(value: string | URL | undefined, invalid: (problem: string) => Error): URL {
  if (value === undefined || value === '') throw invalid('HTTP transports need a `url`');
  let url: URL;
  try {
    url = new URL(String(value));
  } catch (error) {
    throw Object.assign(invalid('`url` is not a valid URL'), { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('`url` must be http: or https:');
  return url;
}
