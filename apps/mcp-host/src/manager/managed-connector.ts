import {
  ConnectorProxyError,
  type RemoteToolProxy,
  type UpstreamLogEntry,
} from '@cortex-mcp/connector-proxy';
import type {
  ConnectorToolDefinition,
  ToolCallContext,
  VersionedToolRegistry,
} from '@cortex-mcp/tool-registry';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Dispatcher } from 'undici';
import { type ConnectorSpec, connectionFingerprint, displayEndpoint } from '../connectors/index.js';
import { ConnectorManagerError, describeFailure } from '../errors.js';
import type { Logger } from '../logger.js';
import type { HostMetrics } from '../metrics.js';
import type { ToolPinBook } from '../state/index.js';
import type { ConnectorStatus } from '../status/index.js';
import { createConnectorProxy } from '../upstream/index.js';
import { CallLatencyWindow } from './call-latency.js';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';
import type { ManagerTimers } from './timers.js';
import { circuitOpenResult, classifyCallError, failedCallResult } from './tool-call-outcome.js';
import { settleWithin } from './wait.js';

/** What a {@link ManagedConnector} needs from the manager. */
/** `mcp_connector_circuit_state` values. */
const CIRCUIT_GAUGE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

export interface ManagedConnectorDeps {
  readonly registry: VersionedToolRegistry;
  readonly metrics: HostMetrics;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly random: () => number;
  readonly timers: ManagerTimers;
  readonly dispatcher: Dispatcher;
  readonly streamDispatcher: Dispatcher;
  readonly apiKey: string | undefined;
  readonly version: string;
  readonly callRetryDelayMs: number;
  /** Reviews live tool lists against the pinned definitions (rug-pull defence). */
  readonly pins: ToolPinBook;
  /** Consecutive failed calls that open the connector's circuit. */
  readonly circuitFailureThreshold: number;
  /** How long an open circuit refuses calls before one probe, in ms. */
  readonly circuitOpenMs: number;
  readonly onUpstreamLog?: ((connectorId: string, entry: UpstreamLogEntry) => void) | undefined;
  /** The connector's registered catalogue changed (live tools listed, or list_changed). */
  readonly onCatalogueChange: (connectorId: string, tools: readonly Tool[]) => void;
}

/**
 * One running connector: its proxy, its tools in the registry (from a live listing or the persisted catalogue),
 * and what `/status` shows of it. Tool handlers route through {@link ManagedConnector.callTool}, which waits for a
 * connector that is still connecting, up to its call timeout.
 */
export class ManagedConnector {
  readonly fingerprint: string;
  #spec: ConnectorSpec;
  readonly #deps: ManagedConnectorDeps;
  readonly #proxy: RemoteToolProxy | undefined;
  #tools: readonly Tool[] | undefined;
  /** The last live listing as the upstream sent it, before pin review withheld anything. */
  #liveTools: readonly Tool[] | undefined;
  #catalogue: ConnectorStatus['catalogue'] = 'none';
  #lastError: ConnectorStatus['lastError'] = null;
  #connectedAtMs: number | null = null;
  #connecting: Promise<void> | undefined;
  #disposed = false;
  readonly #availabilityWaiters = new Set<() => void>();
  readonly #circuit: CircuitBreaker;
  /** Call totals and latency percentiles for `/status` (the histogram metric has no per-connector quantiles). */
  readonly #calls: CallLatencyWindow;

  constructor(spec: ConnectorSpec, deps: ManagedConnectorDeps) {
    this.#spec = spec;
    this.#deps = deps;
    this.fingerprint = connectionFingerprint(spec);
    this.#proxy = this.#createProxy();
    this.#calls = new CallLatencyWindow({ clock: deps.clock });
    deps.metrics.connectorAvailable.set({ connector_id: spec.id }, 0);
    deps.metrics.connectorCircuitState.set({ connector_id: spec.id }, 0);
    this.#circuit = new CircuitBreaker({
      failureThreshold: deps.circuitFailureThreshold,
      openDurationMs: deps.circuitOpenMs,
      clock: deps.clock,
      onChange: (state) => {
        deps.metrics.connectorCircuitState.set({ connector_id: this.id }, CIRCUIT_GAUGE[state]);
        const log =
          state === 'open' ? deps.logger.warn.bind(deps.logger) : deps.logger.info.bind(deps.logger);
        log(
          { connectorId: this.id, circuit: state, ...this.#circuit.snapshot() },
          state === 'open'
            ? 'connector calls keep failing: circuit open, calls fail fast until a probe succeeds'
            : `connector circuit ${state}`,
        );
      },
    });
  }

  get id(): string {
    return this.#spec.id;
  }

  get spec(): ConnectorSpec {
    return this.#spec;
  }

  /** The tools currently registered for this connector. */
  get tools(): readonly Tool[] | undefined {
    return this.#tools;
  }

  /** True while the upstream takes calls. */
  get available(): boolean {
    return this.#proxy?.available ?? false;
  }

  /** True when the connector is neither connected nor connecting nor reconnecting on its own: a sync retries it. */
  get needsConnect(): boolean {
    return this.#proxy === undefined || (this.#proxy.state === 'idle' && this.#connecting === undefined);
  }

  /**
   * Registers `tools` (persisted or carried over from a previous spec) so they are listed at once; calls wait for
   * the connection. A malformed catalogue is logged and left out.
   */
  adoptCatalogue(tools: readonly Tool[]): void {
    try {
      this.#register(tools, 'persisted');
    } catch (error) {
      this.#deps.logger.warn(
        { connectorId: this.id, err: describeFailure(error) },
        'could not register the persisted tool catalogue; waiting for the live listing',
      );
    }
  }

  /** Applies a spec whose connection is the same but whose tool metadata (scopes, brand) changed. */
  updateMetadata(spec: ConnectorSpec): void {
    this.#spec = spec;
    if (this.#tools) this.#register(this.#tools, this.#catalogue === 'live' ? 'live' : 'persisted');
  }

  /**
   * Connects (or joins the attempt running), lists the tools and replaces this connector's tools in the registry
   * in one step. Rejects with the reason when it fails; the failure is kept for `/status`.
   */
  connect(): Promise<void> {
    if (this.#connecting) return this.#connecting;
    const run = this.#connectOnce().finally(() => {
      if (this.#connecting === run) this.#connecting = undefined;
    });
    this.#connecting = run;
    return run;
  }

  /**
   * The registry handler's body: waits for the connection (up to the call timeout), calls the upstream tool with its
   * original name, and returns the result unchanged. Times the call and counts failures by kind.
   */
  async callTool(
    originalName: string,
    args: Record<string, unknown>,
    context: ToolCallContext,
  ): Promise<CallToolResult> {
    const { metrics, clock } = this.#deps;
    const startedAtMs = clock();
    const labels = { connector: this.id };
    if (!this.#circuit.tryAcquire()) {
      metrics.toolCallErrors.inc({ ...labels, kind: 'circuit_open' });
      this.#calls.recordRefused();
      const { consecutiveFailures, probeAtMs } = this.#circuit.snapshot();
      return circuitOpenResult(this.id, consecutiveFailures, probeAtMs);
    }
    let failed = true;
    try {
      const proxy = await this.#awaitAvailable(context.signal);
      const result = await proxy.callTool(originalName, args, {
        signal: context.signal,
        onProgress: context.onProgress,
        timeoutMs: this.#spec.callTimeoutMs,
      });
      this.#circuit.recordSuccess();
      if (result.isError) metrics.toolCallErrors.inc({ ...labels, kind: 'upstream_error' });
      failed = result.isError === true;
      return result;
    } catch (error) {
      const kind = classifyCallError(error);
      // Unreachable or silent upstreams count against the circuit; a cancellation or an upstream's JSON-RPC error
      // says nothing about its health.
      if (kind === 'unavailable' || kind === 'timeout') this.#circuit.recordFailure();
      else this.#circuit.recordNeutral();
      metrics.toolCallErrors.inc({ ...labels, kind });
      const result = failedCallResult(this.id, originalName, kind, error);
      if (result) return result;
      throw error;
    } finally {
      const durationMs = Math.max(0, clock() - startedAtMs);
      metrics.toolCallDuration.observe(labels, durationMs / 1000);
      this.#calls.record(durationMs, failed);
    }
  }

  /** Disconnects the proxy and drops the availability gauge. Registry tools are the manager's to remove. */
  async disconnect(): Promise<void> {
    this.#disposed = true;
    this.#notifyWaiters();
    await this.#proxy?.disconnect();
    this.#deps.metrics.connectorAvailable.remove({ connector_id: this.id });
    this.#deps.metrics.connectorCircuitState.remove({ connector_id: this.id });
  }

  /** This connector's entry in `/status`. */
  status(): ConnectorStatus {
    const spec = this.#spec;
    return {
      id: spec.id,
      origin: spec.origin,
      transport: this.#proxy?.activeTransport ?? spec.transport,
      endpoint: displayEndpoint(spec),
      state: this.#state(),
      available: this.available,
      toolCount: this.#tools?.length ?? 0,
      catalogue: this.#catalogue,
      lastError: this.#lastError,
      connectedAtMs: this.#connectedAtMs,
      circuit: this.#circuit.snapshot(),
      ...this.#pinStatus(),
      ...this.#callStatus(),
    };
  }

  #callStatus(): Pick<ConnectorStatus, 'calls'> {
    const calls = this.#calls.snapshot();
    return calls ? { calls } : {};
  }

  #pinStatus(): Pick<ConnectorStatus, 'changedTools'> {
    const changed = this.changedTools;
    return changed.length > 0 ? { changedTools: changed } : {};
  }

  #state(): ConnectorStatus['state'] {
    const proxy = this.#proxy;
    if (!proxy) return 'down';
    if (proxy.state === 'idle') return this.#lastError && !this.#connecting ? 'down' : 'connecting';
    return proxy.state;
  }

  async #connectOnce(): Promise<void> {
    const proxy = this.#proxy;
    if (!proxy) throw this.#problemError();
    try {
      await proxy.connect();
      const tools = await proxy.getTools();
      if (this.#disposed) return;
      this.#registerLive(tools);
      this.#lastError = null;
    } catch (error) {
      if (!this.#disposed) this.#lastError = { message: describeFailure(error), atMs: this.#deps.clock() };
      throw error;
    }
  }

  /** Re-reviews the last live listing (after pins were approved): a withheld tool comes back. */
  reviewPins(): void {
    if (this.#liveTools && !this.#disposed) this.#registerLive(this.#liveTools);
  }

  /** Names of tools whose live definition differs from the approved pin (withheld under the `block` policy). */
  get changedTools(): string[] {
    return this.#deps.pins.changedTools(this.id);
  }

  #registerLive(tools: readonly Tool[]): void {
    this.#liveTools = tools;
    const served = this.#deps.pins.review(this.id, tools);
    this.#register(served, 'live');
    this.#deps.onCatalogueChange(this.id, served);
  }

  #register(tools: readonly Tool[], source: 'live' | 'persisted'): void {
    const { spec } = this;
    const metadata = { scopes: [...spec.scopes], tags: [], ...(spec.brand ? { brand: spec.brand } : {}) };
    const definitions = tools.map(
      (tool): ConnectorToolDefinition =>
        ({
          ...tool,
          handler: (args: Record<string, unknown>, context: ToolCallContext) =>
            this.callTool(tool.name, args, context),
          metadata,
        }) as ConnectorToolDefinition,
    );
    this.#deps.registry.replaceConnectorTools(
      spec.id,
      definitions,
      spec.namespace === undefined ? undefined : { namespace: spec.namespace },
    );
    this.#tools = tools;
    this.#catalogue = source;
  }

  async #awaitAvailable(signal: AbortSignal | undefined): Promise<RemoteToolProxy> {
    const { clock, timers, callRetryDelayMs } = this.#deps;
    const deadlineMs = clock() + this.#spec.callTimeoutMs;
    for (;;) {
      const proxy = this.#proxy;
      if (this.#disposed) throw this.#unavailable('the connector was removed or the host is shutting down');
      if (!proxy) throw this.#problemError();
      if (proxy.available) return proxy;
      const remainingMs = deadlineMs - clock();
      if (signal?.aborted) {
        throw new ConnectorProxyError(
          'aborted',
          this.id,
          'The call was cancelled while waiting for the connector.',
        );
      }
      if (remainingMs <= 0) {
        const last = this.#lastError ? ` (last error: ${this.#lastError.message})` : '';
        throw this.#unavailable(`not connected within ${this.#spec.callTimeoutMs} ms${last}`);
      }
      const attempt = this.connect().then(
        () => true,
        () => false,
      );
      await settleWithin(attempt, remainingMs, signal, timers);
      if (!proxy.available && !this.#disposed) {
        // A refused port fails at once: pause before the next try instead of spinning.
        const pauseMs = Math.min(callRetryDelayMs, Math.max(0, deadlineMs - clock()));
        let wake: () => void = () => {};
        const woken = new Promise<void>((resolve) => {
          wake = resolve;
        });
        this.#availabilityWaiters.add(wake);
        await settleWithin(woken, pauseMs, signal, timers);
        this.#availabilityWaiters.delete(wake);
      }
    }
  }

  #notifyWaiters(): void {
    const waiters = [...this.#availabilityWaiters];
    this.#availabilityWaiters.clear();
    for (const resolve of waiters) resolve();
  }

  #onAvailabilityChange(available: boolean): void {
    if (this.#disposed) return;
    const { metrics, logger, clock } = this.#deps;
    metrics.connectorAvailable.set({ connector_id: this.id }, available ? 1 : 0);
    if (available) this.#connectedAtMs = clock();
    else this.#lastError = { message: 'connection lost; reconnecting', atMs: clock() };
    logger.info(
      { connectorId: this.id, available },
      available ? 'connector available' : 'connector unavailable',
    );
    this.#notifyWaiters();
  }

  #onToolsChanged(tools: Tool[]): void {
    if (this.#disposed) return;
    try {
      this.#registerLive(tools);
    } catch (error) {
      this.#deps.logger.warn(
        { connectorId: this.id, err: describeFailure(error) },
        'could not register the changed tool list; keeping the previous one',
      );
    }
  }

  #createProxy(): RemoteToolProxy | undefined {
    const outcome = createConnectorProxy(this.#spec, this.#deps, {
      onAvailabilityChange: (available) => this.#onAvailabilityChange(available),
      onToolsChanged: (tools) => this.#onToolsChanged(tools),
    });
    if ('failure' in outcome) this.#lastError = { message: outcome.failure, atMs: this.#deps.clock() };
    return outcome.proxy;
  }

  #problemError(): ConnectorManagerError {
    const problem = this.#spec.problem;
    return new ConnectorManagerError(
      'unavailable',
      problem?.message ?? this.#lastError?.message ?? 'the connector configuration was rejected',
      { connectorId: this.id },
    );
  }

  #unavailable(reason: string): ConnectorManagerError {
    return new ConnectorManagerError('unavailable', reason, { connectorId: this.id });
  }
}
