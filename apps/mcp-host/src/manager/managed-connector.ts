import type { RemoteToolProxy, UpstreamLogEntry } from '@cortex-mcp/connector-proxy';
import type { ToolCallContext, VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Dispatcher } from 'undici';
import {
  type ConnectorSpec,
  connectionFingerprint,
  displayEndpoint,
  registerConnectorTools,
} from '../connectors/index.js';
import { ConnectorManagerError, describeFailure } from '../errors.js';
import type { Logger } from '../logger.js';
import type { HostMetrics } from '../metrics.js';
import type { ToolPinBook } from '../state/index.js';
import type { ConnectorStatus } from '../status/index.js';
import { createConnectorProxy } from '../upstream/index.js';
import { AvailabilityWait, type AwaitedConnector } from './availability-wait.js';
import { ConnectorCalls } from './connector-calls.js';
import type { ManagerTimers } from './timers.js';

/** What a {@link ManagedConnector} needs from the manager. */
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
  readonly #availability: AvailabilityWait;
  /** This connector as a call waiting for its connection sees it. */
  readonly #awaited: AwaitedConnector;
  /** Circuit breaker, call history and forwarding of this connector's tool calls. */
  readonly #calls: ConnectorCalls;

  constructor(spec: ConnectorSpec, deps: ManagedConnectorDeps) {
    this.#spec = spec;
    this.#deps = deps;
    this.fingerprint = connectionFingerprint(spec);
    this.#availability = new AvailabilityWait(deps);
    this.#proxy = this.#createProxy();
    this.#awaited = {
      id: spec.id,
      callTimeoutMs: () => this.#spec.callTimeoutMs,
      proxy: () => this.#proxy,
      disposed: () => this.#disposed,
      lastErrorMessage: () => this.#lastError?.message,
      connect: () => this.connect(),
      problemError: () => this.#problemError(),
    };
    deps.metrics.connectorAvailable.set({ connector_id: spec.id }, 0);
    this.#calls = new ConnectorCalls({
      connectorId: spec.id,
      metrics: deps.metrics,
      logger: deps.logger,
      clock: deps.clock,
      circuitFailureThreshold: deps.circuitFailureThreshold,
      circuitOpenMs: deps.circuitOpenMs,
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
  callTool(
    originalName: string,
    args: Record<string, unknown>,
    context: ToolCallContext,
  ): Promise<CallToolResult> {
    return this.#calls.call({ originalName, args, timeoutMs: this.#spec.callTimeoutMs }, context, (signal) =>
      this.#availability.until(this.#awaited, signal),
    );
  }

  /** Disconnects the proxy and drops the availability gauge. Registry tools are the manager's to remove. */
  async disconnect(): Promise<void> {
    this.#disposed = true;
    this.#availability.notify();
    await this.#proxy?.disconnect();
    this.#deps.metrics.connectorAvailable.remove({ connector_id: this.id });
    this.#calls.dispose();
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
      circuit: this.#calls.circuit(),
      ...this.#pinStatus(),
      ...this.#calls.history(),
    };
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
    registerConnectorTools(this.#deps.registry, this.spec, tools, (name, args, context) =>
      this.callTool(name, args, context),
    );
    this.#tools = tools;
    this.#catalogue = source;
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
    this.#availability.notify();
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
}
