/**
 * What went wrong, as a stable string callers can branch on.
 *
 * - `invalid_options`: the options given to {@link RemoteToolProxy} cannot work (fix the configuration).
 * - `connect_timeout`: the upstream did not finish the MCP handshake within `connectTimeoutMs`.
 * - `unavailable`: the upstream cannot be reached, or the proxy is not connected (see {@link ConnectorUnavailableError}).
 * - `unauthorized`: the upstream answered HTTP 401 or 403 (check the connector's key and auth type).
 * - `call_timeout`: a request got no answer within its timeout.
 * - `aborted`: the caller's `signal` aborted the call; the upstream was sent `notifications/cancelled`.
 * - `protocol`: the upstream answered with a JSON-RPC error (then `rpcCode`, `rpcMessage` and `rpcData` carry it)
 *   or with something MCP does not allow.
 * - `unsupported`: the upstream did not advertise the capability the request needs (e.g. `resources.subscribe`), so
 *   the request was not sent.
 */
export type ConnectorProxyErrorCode =
  | 'invalid_options'
  | 'connect_timeout'
  | 'unavailable'
  | 'unauthorized'
  | 'call_timeout'
  | 'aborted'
  | 'protocol'
  | 'unsupported';

/** The JSON-RPC error object an upstream answered a request with, as it sent it. */
export interface UpstreamRpcError {
  /** The JSON-RPC error code, e.g. -32602 (invalid params) or -32002 (resource not found). */
  code: number;
  /** The upstream's own message. */
  message: string;
  /** The error's `data` member, if it sent one. */
  data?: unknown;
}

/**
 * The one error type this package throws. `connectorId` names the connector; `cause` keeps the underlying
 * error (an SDK `McpError`, a fetch `TypeError`, ...). Messages never contain keys or tokens.
 */
export class ConnectorProxyError extends Error {
  /** Stable code to branch on. */
  readonly code: ConnectorProxyErrorCode;
  /** The connector this error belongs to. */
  readonly connectorId: string;
  /** The upstream's JSON-RPC error code, when the upstream answered the request with a JSON-RPC error. */
  readonly rpcCode?: number;
  /** The upstream's JSON-RPC error message, as sent (without the SDK's `MCP error <code>:` prefix). */
  readonly rpcMessage?: string;
  /** The upstream's JSON-RPC error `data`, as sent. */
  readonly rpcData?: unknown;

  /**
   * @param code - what went wrong.
   * @param connectorId - the connector's id.
   * @param message - what happened and what to do.
   * @param options - `cause`: the underlying error; `rpc`: the upstream's JSON-RPC error, relayed as `rpcCode`,
   *   `rpcMessage` and `rpcData`.
   */
  constructor(
    code: ConnectorProxyErrorCode,
    connectorId: string,
    message: string,
    options?: { cause?: unknown; rpc?: UpstreamRpcError },
  ) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'ConnectorProxyError';
    this.code = code;
    this.connectorId = connectorId;
    const rpc = options?.rpc;
    if (rpc) {
      this.rpcCode = rpc.code;
      this.rpcMessage = rpc.message;
      if (rpc.data !== undefined) this.rpcData = rpc.data;
    }
  }
}

/**
 * The connector cannot take calls right now: it is reconnecting after a lost connection, was never
 * connected, or was disconnected. Thrown at once, without touching the network. `cause` is the reason the
 * connection was lost (when there is one).
 */
export class ConnectorUnavailableError extends ConnectorProxyError {
  declare readonly code: 'unavailable';

  /**
   * @param connectorId - the connector's id.
   * @param reason - a short phrase saying why (e.g. "connection lost: fetch failed").
   * @param options - `cause`: the underlying error.
   */
  constructor(connectorId: string, reason: string, options?: { cause?: unknown }) {
    super(
      'unavailable',
      connectorId,
      `Connector "${connectorId}" is unavailable (${reason}). The proxy reconnects on its own after a lost connection; retry later or check the upstream server.`,
      options,
    );
    this.name = 'ConnectorUnavailableError';
  }
}

/** A short, secret-free description of any thrown value, for messages and logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
