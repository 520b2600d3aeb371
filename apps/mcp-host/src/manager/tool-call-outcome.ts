import { ConnectorProxyError } from '@cortex-mcp/connector-proxy';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ConnectorManagerError, describeFailure } from '../errors.js';

/** The `kind` label of `mcp_tool_call_errors_total`. */
export type ToolCallErrorKind =
  | 'unavailable'
  | 'timeout'
  | 'aborted'
  | 'upstream_error'
  | 'protocol'
  | 'circuit_open';

/** Which error kind a thrown call failure is. */
export function classifyCallError(error: unknown): ToolCallErrorKind {
  if (error instanceof ConnectorManagerError)
    return error.code === 'unavailable' ? 'unavailable' : 'protocol';
  if (error instanceof ConnectorProxyError) {
    switch (error.code) {
      case 'unavailable':
      case 'connect_timeout':
      case 'unauthorized':
        return 'unavailable';
      case 'call_timeout':
        return 'timeout';
      case 'aborted':
        return 'aborted';
      default:
        return 'protocol';
    }
  }
  return 'protocol';
}

/**
 * The downstream answer for a failed call, per the design's "Downstream MCP surface": an unavailable connector or a
 * timeout is a tool RESULT with `isError: true` naming the connector and the reason. Cancellations and upstream
 * protocol errors (a JSON-RPC error from the upstream) are rethrown for the MCP server to answer as errors.
 */
export function failedCallResult(
  connectorId: string,
  toolName: string,
  kind: ToolCallErrorKind,
  error: unknown,
): CallToolResult | undefined {
  if (kind === 'unavailable') {
    return errorResult(
      `Connector "${connectorId}" is unavailable: ${reasonOf(error)}. The host keeps reconnecting; try again later.`,
    );
  }
  if (kind === 'timeout') {
    return errorResult(
      `Connector "${connectorId}" did not answer tool "${toolName}" in time: ${reasonOf(error)}`,
    );
  }
  return undefined;
}

/** The answer for a call refused by an open circuit: at once, naming the connector and when it is probed again. */
export function circuitOpenResult(
  connectorId: string,
  failures: number,
  probeAtMs: number | null,
): CallToolResult {
  const when = probeAtMs === null ? 'soon' : `at ${new Date(probeAtMs).toISOString()}`;
  return errorResult(
    `Connector "${connectorId}" is failing (${failures} consecutive failed calls), so calls to it are refused for now; the host tries it again ${when}.`,
  );
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

function reasonOf(error: unknown): string {
  if (error instanceof ConnectorManagerError) return error.message;
  return describeFailure(error);
}
