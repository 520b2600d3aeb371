import type { RegisteredTool, ToolCallContext, ToolProgress } from '@cortex-mcp/tool-registry';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  type CallToolRequest,
  type CallToolResult,
  ErrorCode,
  McpError,
  type ProgressToken,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { InFlightCalls } from './in-flight-calls.js';
import type { HostServerLogger, ToolCallMetrics, ToolSource } from './types.js';

/** The `kind` label of `mcp_tool_call_errors_total` as this server records it. */
export type ToolCallErrorKind =
  | 'tool_error'
  | 'exception'
  | 'protocol_error'
  | 'invalid_result'
  | 'cancelled';

/** What {@link routeToolCall} needs; shared by every session of one surface. */
export interface ToolCallRouting {
  readonly tools: ToolSource;
  readonly calls: InFlightCalls;
  readonly isDraining: () => boolean;
  readonly logger: HostServerLogger;
  readonly metrics: ToolCallMetrics | undefined;
  /** Milliseconds from any origin; only differences are used. */
  readonly clock: () => number;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Runs one `tools/call`: looks the tool up, hands its handler the client's cancellation signal and (when the client
 * asked for progress) a progress forwarder, and returns the handler's result as it is.
 *
 * An unknown tool, or a call while draining, is a JSON-RPC error. A handler that throws an `McpError` becomes that
 * JSON-RPC error; any other throw becomes an `isError: true` result naming the tool, its connector and the reason,
 * so the model can see and react to it.
 */
export async function routeToolCall(
  routing: ToolCallRouting,
  request: CallToolRequest,
  extra: Extra,
): Promise<CallToolResult> {
  const { name } = request.params;
  if (routing.isDraining()) {
    throw new McpError(
      ErrorCode.InternalError,
      `The host is shutting down and accepts no new tool calls; call "${name}" again once it is back.`,
    );
  }
  const tool = routing.tools.getTool(name);
  if (!tool) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `Unknown tool "${name}": this host serves no tool by that name. Call tools/list for the current tools.`,
    );
  }

  const endCall = routing.calls.begin();
  const startedAtMs = routing.clock();
  const progress = progressForwarder(extra, routing.logger);
  const context: ToolCallContext = progress
    ? { signal: extra.signal, onProgress: progress.forward }
    : { signal: extra.signal };
  let errorKind: ToolCallErrorKind | undefined;
  try {
    const result = await tool.handler(request.params.arguments ?? {}, context);
    if (!isObject(result)) {
      errorKind = 'invalid_result';
      return failedCall(tool, 'its handler returned no result object');
    }
    if (result.isError === true) errorKind = 'tool_error';
    return result as CallToolResult;
  } catch (error) {
    if (error instanceof McpError) {
      errorKind = 'protocol_error';
      throw error;
    }
    errorKind = 'exception';
    if (!extra.signal.aborted) {
      routing.logger.warn(
        { tool: name, connectorId: tool.metadata.connectorId, err: error },
        'tool call failed',
      );
    }
    return failedCall(tool, error instanceof Error ? error.message : String(error));
  } finally {
    progress?.stop();
    endCall();
    recordCall(routing, tool, startedAtMs, extra.signal.aborted ? 'cancelled' : errorKind);
  }
}

function recordCall(
  routing: ToolCallRouting,
  tool: RegisteredTool,
  startedAtMs: number,
  errorKind: ToolCallErrorKind | undefined,
): void {
  if (!routing.metrics) return;
  const connector = tool.metadata.connectorId;
  routing.metrics.toolCallDuration.observe({ connector }, (routing.clock() - startedAtMs) / 1000);
  if (errorKind) routing.metrics.toolCallErrors.inc({ connector, kind: errorKind });
}

/**
 * Turns the handler's `onProgress` calls into `notifications/progress` with the client's token, on the stream of
 * this request. Progress after the call has settled is dropped: the client has already forgotten the token.
 */
function progressForwarder(
  extra: Extra,
  logger: HostServerLogger,
): { forward: (progress: ToolProgress) => void; stop: () => void } | undefined {
  const progressToken: ProgressToken | undefined = extra._meta?.progressToken;
  if (progressToken === undefined) return undefined;
  let open = true;
  const forward = (update: ToolProgress) => {
    if (!open) return;
    const params: { progressToken: ProgressToken; progress: number; total?: number; message?: string } = {
      progressToken,
      progress: update.progress,
    };
    if (update.total !== undefined) params.total = update.total;
    if (update.message !== undefined) params.message = update.message;
    extra.sendNotification({ method: 'notifications/progress', params }).catch((error: unknown) => {
      logger.debug?.({ err: error }, 'could not forward a progress notification');
    });
  };
  return {
    forward,
    stop: () => {
      open = false;
    },
  };
}

function failedCall(tool: RegisteredTool, reason: string): CallToolResult {
  return {
    content: [
      {
        type: 'text',
        text: `Tool "${tool.name}" (connector "${tool.metadata.connectorId}") failed: ${reason}`,
      },
    ],
    isError: true,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
