import type { LoggingLevel, Result } from '@modelcontextprotocol/sdk/types.js';

// The shapes of what an upstream sends while serving a forwarded request, as the proxy hands them to its callers.

/** One `notifications/message` from the upstream. */
export interface UpstreamLogEntry {
  /** The connector that sent it. */
  connectorId: string;
  /** Syslog severity, as MCP defines it. */
  level: LoggingLevel;
  /** The upstream's logger name, if it gave one. */
  logger?: string;
  /** The payload, unchanged. */
  data: unknown;
  /**
   * True when the upstream sent it while serving one forwarded request (see the README's routing rule), false when
   * it belongs to no request, or the proxy cannot tell which: keep those away from downstream clients by default.
   */
  related: boolean;
}

/** A request the upstream sent to the proxy's client: `sampling/createMessage`, `elicitation/create`, `roots/list`. */
export interface ServerRequest {
  method: string;
  params?: Record<string, unknown>;
}

/** What the answerer of a {@link ServerRequest} gets besides the request. */
export interface ServerRequestContext {
  /** Aborts when the upstream cancels the request or the connection closes. */
  signal: AbortSignal;
}

/** Where the upstream's messages about one forwarded request go (the request's options). */
export interface CallHandlers {
  /** Receives the upstream's `notifications/message` sent while serving this request (`related: true`). */
  onLog?: (entry: UpstreamLogEntry) => void;
  /** Answers the upstream's server→client requests sent while serving this request; a throw is a JSON-RPC error. */
  onRequest?: (request: ServerRequest, context: ServerRequestContext) => Promise<Result>;
}
