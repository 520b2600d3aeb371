/**
 * What went wrong in the connector pipeline, as a stable string to branch on.
 *
 * - `invalid_options`: the manager's options cannot work (fix the configuration named in the message).
 * - `closed`: `start()` or `refresh()` was called after `disconnect()` (create a new manager).
 * - `missing_api_key`: a connector's `auth` needs a key (bearer / apiKey) but no `apiKey` is configured.
 * - `missing_endpoint`: an enabled service-map connector has no `endpoint`.
 * - `duplicate_connector`: a registry-file server has the id of a service-map connector and was skipped.
 * - `unavailable`: a tool call found its connector not connected within the call timeout.
 * - `egress_refused`: the egress policy refused the address a connector's endpoint resolved to (private,
 *   link-local, or plain http off this machine); the message names the setting that allows it.
 */
export type ConnectorManagerErrorCode =
  | 'invalid_options'
  | 'closed'
  | 'missing_api_key'
  | 'missing_endpoint'
  | 'duplicate_connector'
  | 'unavailable'
  | 'egress_refused';

/**
 * The one error the manager creates. Messages name the connector (never a key or a header value) and say
 * what to do; `cause` keeps the underlying error.
 */
export class ConnectorManagerError extends Error {
  override readonly name = 'ConnectorManagerError';
  /** What went wrong; see {@link ConnectorManagerErrorCode}. */
  readonly code: ConnectorManagerErrorCode;
  /** The connector concerned, when there is one. */
  readonly connectorId: string | undefined;

  constructor(
    code: ConnectorManagerErrorCode,
    message: string,
    options: { connectorId?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.connectorId = options.connectorId;
  }
}

/** A short, secret-free description of a thrown value for logs, status and tool results. */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** `error.code` when it is a string, else `'unknown'`. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}
