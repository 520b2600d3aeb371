import type { HostMetrics } from '../metrics.js';
import type { ForwardedRequestErrorKind } from './error-kind.js';

/** The metrics a forwarded request records (a `HostMetrics` satisfies it). */
export type ForwardedRequestMetrics = Pick<HostMetrics, 'toolCallDuration' | 'toolCallErrors'>;

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
 * Starts timing one request forwarded to connector `connectorId`: `mcp_tool_call_duration_seconds{connector}` and
 * `mcp_tool_call_errors_total{connector,kind}` are recorded here and nowhere else.
 *
 * @param clock - milliseconds; only differences are used.
 */
export function startForwardedRequest(
  metrics: ForwardedRequestMetrics,
  clock: () => number,
  connectorId: string,
): ForwardedRequest {
  const startedAtMs = clock();
  const labels = { connector: connectorId };
  return {
    connectorId,
    refuse(kind) {
      metrics.toolCallErrors.inc({ ...labels, kind });
    },
    settle(errorKind) {
      if (errorKind) metrics.toolCallErrors.inc({ ...labels, kind: errorKind });
      const durationMs = Math.max(0, clock() - startedAtMs);
      metrics.toolCallDuration.observe(labels, durationMs / 1000);
      return { errorKind, durationMs };
    },
  };
}
