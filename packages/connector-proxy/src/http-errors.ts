import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Dispatcher } from 'undici';

/** The most of an error answer's body that goes into an error message. */
const ERROR_BODY_CHARS = 200;

/**
 * The upstream answered HTTP 404 to a request that carried an `mcp-session-id`: the session is gone (the server
 * restarted or expired it). Streamable HTTP says a client must then start a new session with `initialize`; the
 * proxy treats it as a lost connection and reconnects. `code` is the HTTP status (404), as on the SDK's
 * `StreamableHTTPError` it extends, so code that reads statuses off SDK errors keeps working.
 */
export class UpstreamSessionExpiredError extends StreamableHTTPError {
  /** @param method - the HTTP method that got the 404. */
  constructor(method: string) {
    super(
      404,
      `${method} answered HTTP 404 for the current session: the upstream no longer knows it. Reconnect to start a new session.`,
    );
    this.name = 'UpstreamSessionExpiredError';
  }
}

/** True when `error` says the upstream forgot the session (see {@link UpstreamSessionExpiredError}). */
export function isSessionExpired(error: unknown): error is UpstreamSessionExpiredError {
  return error instanceof UpstreamSessionExpiredError;
}

/**
 * The error for a non-2xx answer: an {@link UpstreamSessionExpiredError} for a 404 on a session, otherwise the
 * SDK's `StreamableHTTPError` with the status as `code` and the start of the body (never the URL, which may
 * carry a key in its query) in the message. Reads the rest of the body so the connection can be reused.
 */
export async function httpErrorFrom(
  method: string,
  response: Dispatcher.ResponseData,
  hadSession: boolean,
): Promise<StreamableHTTPError> {
  const body = await response.body.text().catch(() => '');
  if (response.statusCode === 404 && hadSession) return new UpstreamSessionExpiredError(method);
  const location = response.headers.location;
  const detail =
    response.statusCode >= 300 && response.statusCode < 400 && typeof location === 'string'
      ? `a redirect that was not followed (only same-origin redirects are); point the connector url at the endpoint itself`
      : body.trim().slice(0, ERROR_BODY_CHARS) || 'no body';
  return new StreamableHTTPError(
    response.statusCode,
    `${method} to the MCP endpoint failed (HTTP ${response.statusCode}): ${detail}`,
  );
}

/** The error for an answer that is not MCP at all (wrong content type, not JSON-RPC); `code` is -1, as in the SDK. */
export function notMcpError(detail: string): StreamableHTTPError {
  return new StreamableHTTPError(-1, `the upstream's answer is not MCP: ${detail}`);
}
