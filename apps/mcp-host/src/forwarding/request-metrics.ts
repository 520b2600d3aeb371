import type { HostMetrics } from '../metrics.js';
import type { ForwardedRequestErrorKind } from './error-kind.js';

/** The metrics a forwarded request records (a `HostMetrics` satisfies it). */
export type ForwardedRequestMetrics = Pick<
  HostMetrics,
  'toolCallDuration' | 'toolCallErrors' | 'upstreamRequestDuration' | 'upstreamRequestErrors'
>;

/** The MCP methods the host forwards to the connector that owns the item. */
export type ForwardedMethod =
  | 'tools/call'
  | 'resources/read'
  | 'prompts/get'
  | 'completion/complete'
  | 'resources/subscribe'
  | 'tasks/get'
  | 'tasks/result'
  | 'tasks/cancel'
  | 'tasks/list';

/** How a forwarded request ended, for the caller's own bookkeeping (circuit breaker, `/status` latency window). */
export interface ForwardedRequestSettlement {
  /** Absent when the request succeeded. */
  readonly errorKind: ForwardedRequestErrorKind | undefined;
  readonly durationMs: number;
}

/** One forwarded request being timed; see {@link startForwardedRequest}. */
export interface ForwardedRequest {
  readonly connectorId: string;
  /**
   * The request was refused before it was forwarded (an open circuit): counts the error, records no duration
   * (as `mcp_tool_call_duration_seconds` only times requests that were tried).
   */
  refuse(kind: ForwardedRequestErrorKind): void;
  /** The request ended: records its duration and, when it failed, its error kind. Returns what was recorded. */
  settle(errorKind: ForwardedRequestErrorKind | undefined): ForwardedRequestSettlement;
}

/**
 * Starts timing one request forwarded to connector `connectorId`. A tool call records
 * `mcp_tool_call_duration_seconds{connector}` and `mcp_tool_call_errors_total{connector,kind}`; any other method
 * `mcp_upstream_request_duration_seconds{connector,method}` and `mcp_upstream_request_errors_total{connector,method,kind}`.
 * Here and nowhere else.
 *
 * @param clock - milliseconds; only differences are used.
 */
export function startForwardedRequest(
  metrics: ForwardedRequestMetrics,
  clock: () => number,
  connectorId: string,
  method: ForwardedMethod = 'tools/call',
): ForwardedRequest {
  const startedAtMs = clock();
  const count = (kind: ForwardedRequestErrorKind) => {
    if (method === 'tools/call') metrics.toolCallErrors.inc({ connector: connectorId, kind });
    else metrics.upstreamRequestErrors.inc({ connector: connectorId, method, kind });
  };
  return {
    connectorId,
    refuse: count,
    settle(errorKind) {
      if (errorKind) count(errorKind);
      const durationMs = Math.max(0, clock() - startedAtMs);
      if (method === 'tools/call')
        metrics.toolCallDuration.observe({ connector: connectorId }, durationMs / 1000);
      else metrics.upstreamRequestDuration.observe({ connector: connectorId, method }, durationMs / 1000);
      return { errorKind, durationMs };
    },
  };
}
