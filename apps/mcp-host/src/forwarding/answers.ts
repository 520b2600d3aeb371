import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ConnectorManagerError, describeFailure } from '../errors.js';
import type { ForwardedRequestErrorKind } from './error-kind.js';

/**
 * The downstream answer for a failed forward, per the design's "Downstream MCP surface": an unavailable connector
 * or a timeout is a tool RESULT with `isError: true` naming the connector and the reason. Any other kind has no
 * answer here (`undefined`): the failure is rethrown, and {@link answerHandlerCall} turns it into a
 * {@link handlerFailureResult} (or, for an `McpError`, a JSON-RPC error).
 */
export function forwardFailureResult(
  connectorId: string,
  toolName: string,
  kind: ForwardedRequestErrorKind,
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

/** The answer for a tool whose handler threw or returned no result object: names the tool, its connector and why. */
export function handlerFailureResult(toolName: string, connectorId: string, reason: string): CallToolResult {
  return errorResult(`Tool "${toolName}" (connector "${connectorId}") failed: ${reason}`);
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

function reasonOf(error: unknown): string {
  if (error instanceof ConnectorManagerError) return error.message;
  return describeFailure(error);
}
