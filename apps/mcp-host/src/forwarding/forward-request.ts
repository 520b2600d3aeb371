import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ConnectorManagerError, describeFailure } from '../errors.js';
import { classifyForwardingFailure, type ForwardedRequestErrorKind } from './error-kind.js';
import type { ForwardedRequest, ForwardedRequestSettlement } from './request-metrics.js';

/**
 * Runs one forwarded request other than a tool call (`resources/read`, `prompts/get`, `completion/complete`, a
 * subscription) and settles `request` with its outcome. The upstream's answer passes through unchanged; a failure is
 * classified for the metrics and rethrown: {@link upstreamErrorAnswer} turns it into the downstream JSON-RPC error.
 *
 * @param onSettled - sees how the request ended, after its metrics are recorded.
 */
export async function forwardUpstreamRequest<T>(
  request: ForwardedRequest,
  run: () => Promise<T>,
  onSettled: (settlement: ForwardedRequestSettlement) => void,
): Promise<T> {
  let errorKind: ForwardedRequestErrorKind | undefined = 'protocol';
  try {
    const result = await run();
    errorKind = undefined;
    return result;
  } catch (error) {
    errorKind = classifyForwardingFailure(error);
    throw error;
  } finally {
    onSettled(request.settle(errorKind));
  }
}

/**
 * The JSON-RPC error a client gets for a forwarded request that failed. An upstream's own JSON-RPC error (the proxy
 * keeps its `rpcCode` and `rpcData`) is relayed with the same code — `-32002` for a resource the upstream does not
 * have stays `-32002`. An unavailable connector, a timeout or any other failure is an internal error whose message
 * names the connector and the reason, as a tool call's `isError` result would.
 */
export function upstreamErrorAnswer(error: unknown, connectorId: string, what: string): McpError {
  if (error instanceof McpError) return error;
  const { rpcCode, rpcMessage, rpcData } = (error ?? {}) as {
    rpcCode?: unknown;
    rpcMessage?: unknown;
    rpcData?: unknown;
  };
  if (typeof rpcCode === 'number' && Number.isInteger(rpcCode)) {
    const message = typeof rpcMessage === 'string' ? withoutCodePrefix(rpcMessage, rpcCode) : reasonOf(error);
    return new McpError(rpcCode, message, rpcData);
  }
  switch (classifyForwardingFailure(error)) {
    case 'unavailable':
      return new McpError(
        ErrorCode.InternalError,
        `Connector "${connectorId}" is unavailable: ${reasonOf(error)}. The host keeps reconnecting; try again later.`,
      );
    case 'timeout':
      return new McpError(
        ErrorCode.InternalError,
        `Connector "${connectorId}" did not answer ${what} in time: ${reasonOf(error)}`,
      );
    default:
      return new McpError(
        ErrorCode.InternalError,
        `${what} on connector "${connectorId}" failed: ${reasonOf(error)}`,
      );
  }
}

/** The SDK writes "MCP error <code>: " before a message, and `McpError` adds it again: keep one. */
function withoutCodePrefix(message: string, code: number): string {
  const prefix = `MCP error ${code}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}

function reasonOf(error: unknown): string {
  if (error instanceof ConnectorManagerError) return error.message;
  return describeFailure(error);
}
