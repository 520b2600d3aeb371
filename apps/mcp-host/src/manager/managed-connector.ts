import type { CatalogueKind, RemoteToolProxy } from '@cortex-mcp/connector-proxy';
import type { ToolCallContext } from '@cortex-mcp/tool-registry';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  type ConnectorSpec,
  connectionFingerprint,
  displayEndpoint,
  type ServedCatalogue,
} from '../connectors/index.js';
import { ConnectorManagerError, describeFailure } from '../errors.js';
import type { ConnectorStatus } from '../status/index.js';
import { createConnectorProxy } from '../upstream/index.js';
import { AvailabilityWait, type AwaitedConnector } from './availability-wait.js';
import { CarriedSubscriptions } from './carried-subscriptions.js';
import { ConnectorCalls, type UpstreamRequest } from './connector-calls.js';
import { HeldCatalogue } from './held-catalogue.js';
import type { ManagedConnectorDeps } from './managed-connector-deps.js';

export type { ManagedConnectorDeps } from './managed-connector-deps.js';

/**
 * One running connector: its proxy, what it serves in the registry (from a live listing or the persisted catalogue),
 * and what `/status` shows of it. Tool handlers route through {@link ManagedConnector.callTool}, reads, prompts,
 * completions and subscriptions through {@link ManagedConnector.request}; each waits for a connector that is still
 * connecting, up to its call timeout.
 */
export class ManagedConnector {
  readonly fingerprint: string;
  #spec: ConnectorSpec;
  readonly #deps: ManagedConnectorDeps;
  readonly #proxy: RemoteToolProxy | undefined;
  readonly #catalogue: HeldCatalogue;
  #lastError: ConnectorStatus['lastError'] = null;
  #connectedAtMs: number | null = null;
  #connecting: Promise<void> | undefined;
  #disposed = false;
  readonly #carried = new CarriedSubscriptions();
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
    this.#catalogue = new HeldCatalogue(spec.id, deps);
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

  /** What this connector serves now (registered), or undefined before its first catalogue. */
  get catalogue(): ServedCatalogue | undefined {
    return this.#catalogue.served;
  }

  /** The upstream's `instructions`: the live session's, else the persisted catalogue's. */
  get instructions(): string | undefined {
    return this.#proxy?.instructions ?? this.#catalogue.served?.instructions;
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
   * Registers `catalogue` (persisted or carried over from a previous spec) so it is listed at once; requests wait for
   * the connection. A malformed catalogue is logged and left out.
   */
  adoptCatalogue(catalogue: ServedCatalogue): void {
    try {
      this.#catalogue.adopt(this.#spec, catalogue, this.#callTool);
    } catch (error) {
      this.#deps.logger.warn(
        { connectorId: this.id, err: describeFailure(error) },
        'could not register the persisted catalogue; waiting for the live listing',
      );
    }
  }

  /** Applies a spec whose connection is the same but whose metadata (scopes, brand) changed. */
  updateMetadata(spec: ConnectorSpec): void {
    this.#spec = spec;
    this.#catalogue.reregister(spec, this.#callTool);
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

  readonly #callTool = (originalName: string, args: Record<string, unknown>, context: ToolCallContext) =>
    this.callTool(originalName, args, context);

  /**
   * Forwards one request other than a tool call (a read, a prompt, a completion, a subscription): waits for the
   * connection (up to the call timeout), runs `run` on the connected proxy with the client's cancellation and
   * progress, and returns the upstream answer unchanged. Shares the circuit and call history with tool calls.
   */
  request<T>(
    method: UpstreamRequest<T>['method'],
    context: ToolCallContext,
    run: UpstreamRequest<T>['run'],
  ): Promise<T> {
    return this.#calls.request({ method, timeoutMs: this.#spec.callTimeoutMs, run }, context, (signal) =>
      this.#availability.until(this.#awaited, signal),
    );
  }

  /** The connector's proxy (undefined when its spec was rejected): for what needs no circuit or call history. */
  get proxy(): RemoteToolProxy | undefined {
    return this.#proxy;
  }

  /** Ends an upstream subscription; when not connected the proxy only forgets it. */
  async unsubscribeResource(uri: string): Promise<void> {
    await this.#proxy?.unsubscribeResource(uri, { timeoutMs: this.#spec.callTimeoutMs });
  }

  /** Disconnects the proxy and drops the availability gauge. Registry tools are the manager's to remove. */
  async disconnect(): Promise<void> {
    this.#disposed = true;
    this.#availability.notify();
    await this.#proxy?.disconnect();
    this.#deps.metrics.connectorAvailable.remove({ connector_id: this.id });
    this.#calls.dispose();
    this.#catalogue.dispose();
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
      ...this.#catalogue.counts(),
      catalogue: this.#catalogue.source,
      lastError: this.#lastError,
      connectedAtMs: this.#connectedAtMs,
      circuit: this.#calls.circuit(),
      ...this.#catalogue.pinStatus(),
      ...this.#calls.history(),
    };
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
      const catalogue = await proxy.getCatalogue();
      if (this.#disposed) return;
      this.#registerLive({ ...catalogue, instructions: proxy.instructions });
      this.#lastError = null;
      this.#carried.takeUp(proxy, this.id, this.#deps.logger);
    } catch (error) {
      if (!this.#disposed) this.#lastError = { message: describeFailure(error), atMs: this.#deps.clock() };
      throw error;
    }
  }

  /** The upstream resource subscriptions held now (the proxy keeps them across its own reconnects). */
  get subscriptions(): ReadonlySet<string> {
    return this.#proxy?.subscriptions ?? new Set();
  }

  /** Subscriptions of the connector this one replaces (its connection changed): taken up once this one connects. */
  carrySubscriptions(uris: readonly string[]): void {
    this.#carried.carry(uris);
  }

  /** Re-reviews the last live listing (after pins were approved): a withheld tool comes back. */
  reviewPins(): void {
    const live = this.#catalogue.live;
    if (live && !this.#disposed) this.#registerLive(live);
  }

  /** Names of tools whose live definition differs from the approved pin (withheld under the `block` policy). */
  get changedTools(): string[] {
    return this.#catalogue.changedTools();
  }

  #registerLive(catalogue: ServedCatalogue): void {
    const served = this.#catalogue.registerLive(this.#spec, catalogue, this.#callTool);
    this.#deps.onCatalogueChange(this.id, served);
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

  /** The upstream's list of one kind changed (its `list_changed`, or a reconnect's re-listing). */
  #onCatalogueChanged(kind: CatalogueKind, items: readonly unknown[]): void {
    if (this.#disposed) return;
    try {
      this.#registerLive(this.#catalogue.withKind(kind, items));
    } catch (error) {
      this.#deps.logger.warn(
        { connectorId: this.id, kind, err: describeFailure(error) },
        'could not register the changed list; keeping the previous one',
      );
    }
  }

  #createProxy(): RemoteToolProxy | undefined {
    const outcome = createConnectorProxy(this.#spec, this.#deps, {
      onAvailabilityChange: (available) => this.#onAvailabilityChange(available),
      onCatalogueChanged: (kind, items) => this.#onCatalogueChanged(kind, items),
      onResourceUpdated: (uri) => {
        if (!this.#disposed) this.#deps.onResourceUpdated?.(this.id, uri);
      },
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
