import type { ToolCallContext, ToolProgress } from '@cortex-mcp/tool-registry';
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
import { answerHandlerCall } from '../../forwarding/index.js';
import type { HostServerLogger, ToolSource } from '../types.js';
import { type AuditSink, type ForwardTarget, outcomeOf } from './audit.js';
import type { ClientLink } from './client-relay.js';
import type { InFlightCalls } from './in-flight-calls.js';
import { type PublicUri, rewriteToolResult } from './uri-rewriting.js';

/** What {@link routeToolCall} needs; shared by every session of one surface. */
export interface ToolCallRouting {
  readonly tools: ToolSource;
  readonly calls: InFlightCalls;
  readonly isDraining: () => boolean;
  readonly logger: HostServerLogger;
  /** The URI the host hands out for a URI of this connector (tool results are rewritten with it). */
  readonly publicUri?: (connectorId: string) => PublicUri;
  /** The session's way back to its client, for what upstreams send about its requests. Per session. */
  readonly client?: ClientLink;
  /** Receives one entry per forwarded request. */
  readonly audit?: AuditSink | undefined;
  /** Who the session's client is (the door's identity), for the audit log. Per session. */
  readonly subject?: string | undefined;
}

/** What the SDK hands every request handler besides the request. */
export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Runs one `tools/call`: looks the tool up, hands its handler the client's cancellation signal and (when the client
 * asked for progress) a progress forwarder, and returns the handler's result as it is.
 *
 * An unknown tool, or a call while draining, is a JSON-RPC error. What the handler settles with becomes the answer
 * as `answerHandlerCall` (in `src/forwarding/`) says: an `McpError` stays a JSON-RPC error, any other failure is an
 * `isError: true` result. Call metrics are the forwarding's, never recorded here.
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

  const target = { connectorId: tool.metadata.connectorId, method: 'tools/call', name };
  return runClientRequest(routing, extra, target, async (context) => {
    const result = await answerHandlerCall(
      tool,
      () => tool.handler(request.params.arguments ?? {}, context),
      { signal: extra.signal, logger: routing.logger },
    ).catch((error: unknown) => {
      routing.client?.noteRequiredElicitations(tool.metadata.connectorId, error);
      throw error;
    });
    const toPublic = routing.publicUri?.(tool.metadata.connectorId);
    return toPublic ? rewriteToolResult(result, toPublic) : result;
  });
}

/**
 * Runs one request the host works on for a client (a tool call, a read, a prompt, a completion) at `target`'s
 * connector: counted in flight until it settles, given the client's cancellation signal, a progress forwarder when
 * the client asked for progress, and the way back to this client for the upstream's logs and requests; then
 * audited (who, what, how it ended, how long — never arguments or results).
 */
export async function runClientRequest<T>(
  routing: Pick<ToolCallRouting, 'calls' | 'logger' | 'client' | 'audit' | 'subject'>,
  extra: Extra,
  target: ForwardTarget,
  run: (context: ToolCallContext) => Promise<T>,
): Promise<T> {
  const endCall = routing.calls.begin();
  const progress = progressForwarder(extra, routing.logger);
  const context: ToolCallContext = {
    signal: extra.signal,
    ...(progress && { onProgress: progress.forward }),
    ...routing.client?.relay(target.connectorId, extra),
  };
  const startedAt = performance.now();
  let settled: { result?: unknown; error?: unknown } = {};
  try {
    const result = await run(context);
    settled = { result };
    return result;
  } catch (error) {
    settled = { error };
    throw error;
  } finally {
    progress?.stop();
    endCall();
    routing.audit?.({
      ...(routing.subject === undefined ? {} : { subject: routing.subject }),
      ...(extra.sessionId === undefined ? {} : { sessionId: extra.sessionId }),
      ...target,
      ...outcomeOf(settled, extra.signal),
      durationMs: Math.round((performance.now() - startedAt) * 1000) / 1000,
    });
  }
}

/**
 * Turns the handler's `onProgress` calls into `notifications/progress` with the client's token, on the stream of
 * this request. Progress after the call has settled is dropped: the client has already forgotten the token.
 */
export function progressForwarder(
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
