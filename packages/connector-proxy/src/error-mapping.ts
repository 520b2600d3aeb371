import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import {
  ConnectorProxyError,
  ConnectorUnavailableError,
  describeError,
  type UpstreamRpcError,
} from './errors.js';

/**
 * The HTTP status a transport error carries, if any (StreamableHTTPError, which this package's Streamable HTTP
 * transport throws too; SseError; SSE POST errors).
 */
export function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number' && code >= 100 && code <= 599 && !(error instanceof McpError)) return code;
  const match = /\(HTTP (\d{3})\)/.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

/** True when an upstream error is a JSON-RPC error answer (the connection itself is fine). */
function isJsonRpcAnswer(error: unknown): error is McpError {
  return (
    error instanceof McpError &&
    error.code !== ErrorCode.ConnectionClosed &&
    error.code !== ErrorCode.RequestTimeout
  );
}

/** The JSON-RPC error the upstream answered with, as it sent it, or undefined when `error` is no such answer. */
export function upstreamRpcErrorOf(error: unknown): UpstreamRpcError | undefined {
  if (!isJsonRpcAnswer(error)) return undefined;
  // McpError prefixes the upstream's message with "MCP error <code>: "; the host relays the message as sent.
  const prefix = `MCP error ${error.code}: `;
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return { code: error.code, message, ...(error.data === undefined ? {} : { data: error.data }) };
}

/**
 * True when a failed request says nothing about the connection: a JSON-RPC error answer, a timeout or an
 * abort. Anything else (fetch failures, closed transports, HTTP errors) may mean the connection is gone.
 */
export function isHarmlessRequestError(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return true;
  if (isJsonRpcAnswer(error)) return true;
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) return true;
  return error instanceof Error && error.name === 'ZodError';
}

/** Maps a failed upstream request to this package's error. */
export function toRequestError(
  connectorId: string,
  what: string,
  error: unknown,
  signal?: AbortSignal,
): ConnectorProxyError {
  if (error instanceof ConnectorProxyError) return error;
  if (signal?.aborted) {
    return new ConnectorProxyError(
      'aborted',
      connectorId,
      `${what} on connector "${connectorId}" was aborted by the caller; the upstream was told to cancel it.`,
      { cause: error },
    );
  }
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return new ConnectorProxyError(
      'call_timeout',
      connectorId,
      `${what} on connector "${connectorId}" timed out (${describeError(error)}). Raise the timeout or check the upstream.`,
      { cause: error },
    );
  }
  const rpc = upstreamRpcErrorOf(error);
  if (rpc) {
    return new ConnectorProxyError(
      'protocol',
      connectorId,
      `${what} on connector "${connectorId}" failed upstream with JSON-RPC error ${rpc.code}: ${rpc.message}`,
      { cause: error, rpc },
    );
  }
  if (error instanceof Error && error.name === 'ZodError') {
    return new ConnectorProxyError(
      'protocol',
      connectorId,
      `${what} on connector "${connectorId}" got an answer MCP does not allow: ${describeError(error)}. Report this to the upstream server's maintainers.`,
      { cause: error },
    );
  }
  const status = httpStatusOf(error);
  if (status === 401 || status === 403) return unauthorized(connectorId, status, error);
  return new ConnectorUnavailableError(connectorId, `${what} failed: ${describeError(error)}`, {
    cause: error,
  });
}

/** Maps a failed handshake to this package's error. */
export function toConnectError(connectorId: string, error: unknown): ConnectorProxyError {
  if (error instanceof ConnectorProxyError) return error;
  const status = httpStatusOf(error);
  if (status === 401 || status === 403) return unauthorized(connectorId, status, error);
  const notMcp = error instanceof StreamableHTTPError && error.code === -1;
  if (notMcp || (error instanceof McpError && error.code !== ErrorCode.ConnectionClosed)) {
    return new ConnectorProxyError(
      'protocol',
      connectorId,
      `Connector "${connectorId}" rejected the MCP handshake: ${describeError(error)}. Check that the URL and transport point at an MCP server.`,
      { cause: error },
    );
  }
  return new ConnectorUnavailableError(connectorId, `connect failed: ${describeError(error)}`, {
    cause: error,
  });
}

function unauthorized(connectorId: string, status: number, error: unknown): ConnectorProxyError {
  return new ConnectorProxyError(
    'unauthorized',
    connectorId,
    `Connector "${connectorId}" refused the credentials (HTTP ${status}). Check the connector's auth type, header name and key.`,
    { cause: error },
  );
}
