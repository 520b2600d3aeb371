import { type CallToolResult, McpError } from '@modelcontextprotocol/sdk/types.js';
import { handlerFailureResult } from './answers.js';

/**
 * `-32042` (URL elicitation required, 2025-11-25): the upstream's answer to a `tools/call` that the client must see
 * as the JSON-RPC error it is, with its `data` (the elicitations to open), so it can start them.
 */
export const URL_ELICITATION_REQUIRED = -32042;

/**
 * An upstream's JSON-RPC error that a tool call passes through as that error, untouched (code, message, data),
 * rather than as an `isError` result: `-32042`. Undefined for any other failure.
 */
export function passedThroughUpstreamError(error: unknown): McpError | undefined {
  const { rpcCode, rpcMessage, rpcData } = (error ?? {}) as Record<string, unknown>;
  if (rpcCode !== URL_ELICITATION_REQUIRED) return undefined;
  const prefix = `MCP error ${rpcCode}: `;
  const text = typeof rpcMessage === 'string' ? rpcMessage : 'URL elicitation required';
  return new McpError(rpcCode, text.startsWith(prefix) ? text.slice(prefix.length) : text, rpcData);
}

/** Where {@link answerHandlerCall} reports a handler that threw; a pino logger satisfies it. */
export interface HandlerFailureLogger {
  warn(obj: object, msg?: string): void;
}

/** The tool whose handler ran, as the registry lists it. */
export interface AnsweredTool {
  readonly name: string;
  readonly metadata: { readonly connectorId: string };
}

/**
 * Runs a tool handler and turns what it settled with into the downstream answer (a synchronous throw included). A
 * result object passes through unchanged (`isError` ones included). A handler that throws an `McpError` becomes that JSON-RPC error (rethrown); any other
 * throw, or a handler that returns no result object, becomes an `isError: true` result naming the tool, its
 * connector and the reason, so the model can see and react to it. A throw is logged unless the client cancelled.
 */
export async function answerHandlerCall(
  tool: AnsweredTool,
  runHandler: () => unknown,
  context: { readonly signal: AbortSignal; readonly logger: HandlerFailureLogger },
): Promise<CallToolResult> {
  const connectorId = tool.metadata.connectorId;
  try {
    const result = await runHandler();
    if (!isObject(result)) {
      return handlerFailureResult(tool.name, connectorId, 'its handler returned no result object');
    }
    return result as CallToolResult;
  } catch (error) {
    if (error instanceof McpError) throw error;
    const passed = passedThroughUpstreamError(error);
    if (passed) throw passed;
    if (!context.signal.aborted) {
      context.logger.warn({ tool: tool.name, connectorId, err: error }, 'tool call failed');
    }
    return handlerFailureResult(
      tool.name,
      connectorId,
      error instanceof Error ? error.message : String(error),
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
