import type { RemoteToolProxy } from '@cortex-mcp/connector-proxy';
import type { ToolCallContext } from '@cortex-mcp/tool-registry';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ConnectorManagerError } from '../errors.js';
import {
  circuitOpenResult,
  type ForwardedMethod,
  type ForwardedRequestSettlement,
  forwardToolCall,
  forwardUpstreamRequest,
  startForwardedRequest,
} from '../forwarding/index.js';
import type { Logger } from '../logger.js';
import type { HostMetrics } from '../metrics.js';
import type { ConnectorStatus } from '../status/index.js';
import { CallLatencyWindow } from './call-latency.js';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';

/** `mcp_connector_circuit_state` values. */
const CIRCUIT_GAUGE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** What {@link ConnectorCalls} needs. */
export interface ConnectorCallsOptions {
  readonly connectorId: string;
  readonly metrics: HostMetrics;
  readonly logger: Logger;
  readonly clock: () => number;
  /** Consecutive failed calls that open the circuit. */
  readonly circuitFailureThreshold: number;
  /** How long an open circuit refuses calls before one probe, in ms. */
  readonly circuitOpenMs: number;
}

/** One upstream call: the tool's original name, its arguments, and the call timeout to give the proxy. */
export interface UpstreamCall {
  readonly originalName: string;
  readonly args: Record<string, unknown>;
  readonly timeoutMs: number;
}

/** One forwarded request other than a tool call: what it runs against the connected proxy. */
export interface UpstreamRequest<T> {
  /** `tools/call` only for a call run as a task (answered with the task, so it throws like any request). */
  readonly method: ForwardedMethod;
  readonly timeoutMs: number;
  readonly run: (proxy: RemoteToolProxy, options: ProxyRequestOptions) => Promise<T>;
}

/** The per-request options every proxy request takes (cancellation, progress, the way back to the client, timeout). */
export interface ProxyRequestOptions {
  readonly signal: AbortSignal | undefined;
  readonly onProgress: ToolCallContext['onProgress'];
  readonly onLog: ToolCallContext['onLog'];
  readonly onRequest: ToolCallContext['onRequest'];
  readonly timeoutMs: number;
}

/**
 * The call path of one connector: its circuit breaker (fail fast while calls keep failing) and its call history
 * for `/status`, around the forwarding of each call (which owns the answers and the call metrics).
 */
export class ConnectorCalls {
  readonly #connectorId: string;
  readonly #metrics: HostMetrics;
  readonly #clock: () => number;
  readonly #circuit: CircuitBreaker;
  /** Call totals and latency percentiles for `/status` (the histogram metric has no per-connector quantiles). */
  readonly #latency: CallLatencyWindow;

  constructor(options: ConnectorCallsOptions) {
    const { connectorId, metrics, logger, clock } = options;
    this.#connectorId = connectorId;
    this.#metrics = metrics;
    this.#clock = clock;
    this.#latency = new CallLatencyWindow({ clock });
    metrics.connectorCircuitState.set({ connector_id: connectorId }, 0);
    this.#circuit = new CircuitBreaker({
      failureThreshold: options.circuitFailureThreshold,
      openDurationMs: options.circuitOpenMs,
      clock,
      onChange: (state) => {
        metrics.connectorCircuitState.set({ connector_id: connectorId }, CIRCUIT_GAUGE[state]);
        const log = state === 'open' ? logger.warn.bind(logger) : logger.info.bind(logger);
        log(
          { connectorId, circuit: state, ...this.#circuit.snapshot() },
          state === 'open'
            ? 'connector calls keep failing: circuit open, calls fail fast until a probe succeeds'
            : `connector circuit ${state}`,
        );
      },
    });
  }

  /**
   * Calls the upstream tool through `awaitProxy` (which waits for the connection) unless the circuit is open, and
   * returns the upstream result unchanged. An unreachable or silent upstream counts against the circuit.
   */
  async call(
    upstream: UpstreamCall,
    context: ToolCallContext,
    awaitProxy: (signal: AbortSignal | undefined) => Promise<RemoteToolProxy>,
  ): Promise<CallToolResult> {
    const request = startForwardedRequest(this.#metrics, this.#clock, this.#connectorId);
    if (!this.#circuit.tryAcquire()) {
      request.refuse('circuit_open');
      this.#latency.recordRefused();
      const { consecutiveFailures, probeAtMs } = this.#circuit.snapshot();
      return circuitOpenResult(this.#connectorId, consecutiveFailures, probeAtMs);
    }
    return forwardToolCall(
      request,
      upstream.originalName,
      async () => {
        const proxy = await awaitProxy(context.signal);
        return proxy.callTool(upstream.originalName, upstream.args, {
          signal: context.signal,
          onProgress: context.onProgress,
          onLog: context.onLog,
          onRequest: context.onRequest,
          timeoutMs: upstream.timeoutMs,
        });
      },
      (settlement) => this.#settled(settlement),
    );
  }

  /**
   * Forwards one request other than a tool call through `awaitProxy` (which waits for the connection) unless the
   * circuit is open, and returns the upstream answer unchanged. It shares the circuit and the call history with tool
   * calls: an upstream that does not answer reads does not answer tools either. Failures are rethrown (the MCP
   * surface turns them into JSON-RPC errors); an open circuit throws `unavailable` at once.
   */
  async request<T>(
    upstream: UpstreamRequest<T>,
    context: ToolCallContext,
    awaitProxy: (signal: AbortSignal | undefined) => Promise<RemoteToolProxy>,
  ): Promise<T> {
    const request = startForwardedRequest(this.#metrics, this.#clock, this.#connectorId, upstream.method);
    if (!this.#circuit.tryAcquire()) {
      request.refuse('circuit_open');
      this.#latency.recordRefused();
      const answer = circuitOpenResult(this.#connectorId, ...this.#circuitFacts());
      const text = answer.content[0]?.type === 'text' ? answer.content[0].text : 'circuit open';
      throw new ConnectorManagerError('unavailable', text, { connectorId: this.#connectorId });
    }
    return forwardUpstreamRequest(
      request,
      async () => {
        const proxy = await awaitProxy(context.signal);
        return upstream.run(proxy, {
          signal: context.signal,
          onProgress: context.onProgress,
          onLog: context.onLog,
          onRequest: context.onRequest,
          timeoutMs: upstream.timeoutMs,
        });
      },
      (settlement) => this.#settled(settlement),
    );
  }

  #circuitFacts(): [number, number | null] {
    const { consecutiveFailures, probeAtMs } = this.#circuit.snapshot();
    return [consecutiveFailures, probeAtMs];
  }

  /** The circuit for this connector's `/status` entry. */
  circuit(): NonNullable<ConnectorStatus['circuit']> {
    return this.#circuit.snapshot();
  }

  /** The call history for this connector's `/status` entry: absent before the first call. */
  history(): Pick<ConnectorStatus, 'calls'> {
    const calls = this.#latency.snapshot();
    return calls ? { calls } : {};
  }

  /** Drops the circuit gauge (the connector is gone). */
  dispose(): void {
    this.#metrics.connectorCircuitState.remove({ connector_id: this.#connectorId });
  }

  #settled({ errorKind, durationMs }: ForwardedRequestSettlement): void {
    // An answered call (even an `isError` one) proves the upstream works; an unreachable or silent upstream counts
    // against the circuit; a cancellation or an upstream's JSON-RPC error says nothing about its health.
    if (errorKind === undefined || errorKind === 'upstream_error') this.#circuit.recordSuccess();
    else if (errorKind === 'unavailable' || errorKind === 'timeout') this.#circuit.recordFailure();
    else this.#circuit.recordNeutral();
    // A cancelled call (the client's notifications/cancelled, or a client that went away) is no failure either.
    if (errorKind === 'aborted') this.#latency.recordCancelled(durationMs);
    else this.#latency.record(durationMs, errorKind !== undefined);
  }
}
