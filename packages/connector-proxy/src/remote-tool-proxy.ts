import type {
  CallToolResult,
  CompleteRequest,
  CompleteResult,
  CreateTaskResult,
  GetPromptResult,
  ReadResourceResult,
  Result,
  ServerCapabilities,
  Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { type ListingContext, listAdvertisedKind, listCatalogue, listKind } from './catalogue.js';
import type { CatalogueKind, UpstreamCatalogue } from './catalogue-kinds.js';
import { CatalogueMirror } from './catalogue-mirror.js';
import { describeError } from './errors.js';
import {
  callToolRequest,
  completeRequest,
  getPromptRequest,
  readResourceRequest,
  subscriptionRequest,
} from './forwarded-requests.js';
import { type RemoteToolProxyOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { proxyLog, runCallback } from './proxy-log.js';
import { type CallToolOptions, type ForwardedRequest, forwardRequest } from './request-forwarding.js';
import { ResourceSubscriptions } from './resource-subscriptions.js';
import { type TaskCreation, type TaskMethod, taskRequest, taskToolCallRequest } from './task-requests.js';
import type { ConcreteTransportKind } from './transports.js';
import { type ProxyState, UpstreamConnection } from './upstream-connection.js';

/**
 * Owns the connection to one upstream MCP server: connects over Streamable HTTP, legacy SSE or stdio, serves its
 * tools, resources, resource templates, prompts and completions, and keeps the connection alive (reconnects with
 * capped, fully jittered exponential backoff, then re-lists and re-subscribes).
 */
export class RemoteToolProxy {
  /** The connector id. */
  readonly id: string;
  readonly #options: ResolvedOptions;
  readonly #connection: UpstreamConnection;
  readonly #mirror: CatalogueMirror;
  readonly #subscriptions = new ResourceSubscriptions();
  readonly #listing: ListingContext;

  /** @throws {ConnectorProxyError} `invalid_options` when the options cannot work. */
  constructor(options: RemoteToolProxyOptions) {
    const resolved = resolveOptions(options);
    this.#options = resolved;
    this.id = resolved.id;
    this.#listing = {
      connectorId: this.id,
      timeoutMs: resolved.callTimeoutMs,
      afterFailure: (session, error) => this.#connection.afterRequestFailure(session, error, undefined),
      debug: (fields, message) => proxyLog(resolved, 'debug', fields, message),
    };
    this.#mirror = new CatalogueMirror({
      liveSession: () => this.#connection.session,
      list: (session, kind) => listAdvertisedKind(session, kind, this.#listing),
      changed: (kind, items) => this.#onListChanged(kind, items),
      warn: (fields, message) => proxyLog(resolved, 'warn', fields, message),
    });
    this.#connection = new UpstreamConnection(resolved, options, {
      availability: (up) =>
        runCallback(resolved, 'onAvailabilityChange', () => resolved.onAvailabilityChange?.(up)),
      up: (reconnected) => this.#onUp(reconnected),
      listChanged: (kind) => this.#mirror.relist(kind),
      resourceUpdated: (uri) =>
        runCallback(resolved, 'onResourceUpdated', () => resolved.onResourceUpdated?.(uri)),
      upstreamLog: (entry) =>
        runCallback(resolved, 'onLog', () => resolved.onLog?.({ connectorId: this.id, ...entry })),
      elicitationComplete: (elicitationId) =>
        runCallback(resolved, 'onElicitationComplete', () => resolved.onElicitationComplete?.(elicitationId)),
    });
  }

  /** Current state. */
  get state(): ProxyState {
    return this.#connection.state;
  }

  /** True while calls go through (`state === 'up'`). */
  get available(): boolean {
    return this.#connection.available;
  }

  /** The transport of the live session (what `auto` resolved to), or undefined when not connected. */
  get activeTransport(): ConcreteTransportKind | undefined {
    return this.#connection.session?.kind;
  }

  /** The MCP protocol version the upstream chose in the handshake of the live session; undefined while not up. */
  get protocolVersion(): string | undefined {
    return this.#connection.session?.protocolVersion;
  }

  /** The capabilities the upstream advertised in the handshake of the live session; undefined while not up. */
  get capabilities(): ServerCapabilities | undefined {
    return this.#connection.session?.client.getServerCapabilities();
  }

  /** The `instructions` the upstream sent in the handshake of the live session, if any. */
  get instructions(): string | undefined {
    return this.#connection.session?.client.getInstructions();
  }

  /** The last tool list seen (from `getTools()`, `getCatalogue()`, `list_changed` or a reconnect), or undefined. */
  get tools(): Tool[] | undefined {
    return this.#mirror.get('tools');
  }

  /** The last lists seen (from `getCatalogue()`, `list_changed` or a reconnect); undefined until every kind was. */
  get catalogue(): UpstreamCatalogue | undefined {
    return this.#mirror.catalogue;
  }

  /** The resource URIs currently subscribed upstream through this proxy (a snapshot). */
  get subscriptions(): ReadonlySet<string> {
    return this.#subscriptions.uris;
  }

  /**
   * Connects and runs the MCP handshake, bounded by `connectTimeoutMs`. Resolves at once when already up;
   * joins an attempt already running. A failed first connect is not retried in the background: call again.
   *
   * @throws {ConnectorProxyError} `connect_timeout`, `unavailable`, `unauthorized` or `protocol`.
   */
  connect(): Promise<void> {
    return this.#connection.connect();
  }

  /**
   * Lists every upstream tool, following `nextCursor` across pages, and remembers the list.
   *
   * @throws {ConnectorUnavailableError} at once when not connected.
   * @throws {ConnectorProxyError} `protocol` on a repeating cursor or an endless list; `call_timeout`.
   */
  async getTools(): Promise<Tool[]> {
    const session = this.#connection.requireSession();
    const tools = await listKind(session, 'tools', this.#listing);
    this.#mirror.store(session, 'tools', tools);
    return tools;
  }

  /**
   * Lists the tools, resources, resource templates and prompts concurrently, every page of each, and remembers
   * them. A kind the upstream does not advertise (or answers with -32601) is `[]`.
   *
   * @throws {ConnectorUnavailableError} at once when not connected.
   * @throws {ConnectorProxyError} `protocol` on a broken list or a JSON-RPC error; `call_timeout`.
   */
  async getCatalogue(): Promise<UpstreamCatalogue> {
    const session = this.#connection.requireSession();
    const catalogue = await listCatalogue(session, this.#listing);
    for (const kind of Object.keys(catalogue) as CatalogueKind[]) {
      this.#mirror.store(session, kind, catalogue[kind]);
    }
    return catalogue;
  }

  /**
   * Calls an upstream tool and returns its `CallToolResult` as sent (`isError` results are results, not throws).
   *
   * @throws {ConnectorProxyError} `unavailable` at once when not connected, or when the connection fails mid-call;
   *   `aborted`, `call_timeout`, `unauthorized`, or `protocol` (a JSON-RPC error, kept in `rpcCode`/`rpcData`).
   */
  callTool(
    name: string,
    args: Record<string, unknown> = {},
    options?: CallToolOptions,
  ): Promise<CallToolResult> {
    return this.#forward(callToolRequest(name, args), options);
  }

  /**
   * Calls a tool as a task (2025-11-25, experimental): the upstream answers at once with the task, as sent.
   * @throws {ConnectorProxyError} `unsupported` without `tasks.requests.tools.call`; else as {@link callTool}.
   */
  callToolAsTask(
    name: string,
    args: Record<string, unknown>,
    task: TaskCreation,
    options?: CallToolOptions,
  ): Promise<CreateTaskResult> {
    return this.#forward(taskToolCallRequest(name, args, task), options);
  }

  /**
   * Forwards `tasks/get`, `tasks/result` (which waits for the task: give a `timeoutMs` to match), `tasks/cancel` or
   * `tasks/list` with `params` as given; returns the answer as sent.
   * @throws {ConnectorProxyError} `unsupported` without `tasks` (`.cancel`, `.list`); else as {@link callTool}.
   */
  taskRequest(
    method: TaskMethod,
    params: Record<string, unknown>,
    options?: CallToolOptions,
  ): Promise<Result> {
    return this.#forward(taskRequest(method, params), options);
  }

  /**
   * Reads an upstream resource and returns its `ReadResourceResult` as sent.
   *
   * @throws {ConnectorProxyError} `unsupported` when the upstream offers no resources; else as {@link callTool}.
   */
  readResource(uri: string, options?: CallToolOptions): Promise<ReadResourceResult> {
    return this.#forward(readResourceRequest(uri), options);
  }

  /**
   * Gets an upstream prompt filled with `args` and returns its `GetPromptResult` as sent.
   *
   * @throws {ConnectorProxyError} `unsupported` when the upstream offers no prompts; else as {@link callTool}.
   */
  getPrompt(
    name: string,
    args?: Record<string, string>,
    options?: CallToolOptions,
  ): Promise<GetPromptResult> {
    return this.#forward(getPromptRequest(name, args), options);
  }

  /**
   * Asks the upstream to complete a prompt argument or a resource template variable (`completion/complete`).
   *
   * @throws {ConnectorProxyError} `unsupported` without the `completions` capability; else as {@link callTool}.
   */
  complete(params: CompleteRequest['params'], options?: CallToolOptions): Promise<CompleteResult> {
    return this.#forward(completeRequest(params), options);
  }

  /**
   * Subscribes to updates of a resource (`resources/subscribe`); on success `uri` joins {@link subscriptions}, is
   * re-subscribed after every reconnect, and its `notifications/resources/updated` reach `onResourceUpdated`.
   *
   * @throws {ConnectorProxyError} `unsupported` without `resources.subscribe`; else as {@link callTool}.
   */
  async subscribeResource(uri: string, options?: CallToolOptions): Promise<void> {
    await this.#subscriptions.subscribe(uri, () =>
      this.#forward(subscriptionRequest('resources/subscribe', uri), options),
    );
  }

  /**
   * Forgets a subscription and, when connected, sends `resources/unsubscribe`. While not connected it only
   * forgets (the upstream session that held the subscription is gone).
   *
   * @throws {ConnectorProxyError} `unsupported` without `resources.subscribe`; else as {@link callTool}.
   */
  async unsubscribeResource(uri: string, options?: CallToolOptions): Promise<void> {
    this.#subscriptions.forget(uri);
    if (this.#connection.state !== 'up') return;
    await this.#forward(subscriptionRequest('resources/unsubscribe', uri), options);
  }

  /**
   * Tells the upstream that the roots of the client changed (`notifications/roots/list_changed`), so it asks again
   * with `roots/list`. Does nothing while not connected: a new session asks for roots afresh.
   */
  async notifyRootsListChanged(): Promise<void> {
    const session = this.#connection.session;
    if (this.#connection.state !== 'up' || !session) return;
    await session.client.sendRootsListChanged();
  }

  /**
   * Closes the session (ending a Streamable HTTP session with DELETE, killing a stdio child), stops reconnecting,
   * forgets the lists and subscriptions, and destroys the proxy's own stream agent. Idempotent. Fires
   * `onAvailabilityChange(false)` if it was up. `connect()` may be called again afterwards.
   */
  async disconnect(): Promise<void> {
    this.#mirror.clear();
    this.#subscriptions.clear();
    await this.#connection.disconnect();
  }

  #forward<T extends object>(request: ForwardedRequest<T>, options: CallToolOptions | undefined): Promise<T> {
    return forwardRequest(this.#connection, this.#options.callTimeoutMs, request, options);
  }

  #onUp(reconnected: boolean): void {
    if (!reconnected) return;
    this.#mirror.relistAll();
    void this.#subscriptions.resubscribeAll(
      (uri) => this.#forward(subscriptionRequest('resources/subscribe', uri), undefined),
      (uri, error, kept) => {
        const [level, message] = kept
          ? (['info', 'could not re-subscribe yet; will retry after the next reconnect'] as const)
          : (['warn', 'the upstream refused a re-subscription; dropped it'] as const);
        proxyLog(this.#options, level, { uri, err: describeError(error) }, message);
      },
    );
  }

  #onListChanged(kind: CatalogueKind, items: unknown[]): void {
    const options = this.#options;
    if (kind === 'tools')
      runCallback(options, 'onToolsChanged', () => options.onToolsChanged?.(items as Tool[]));
    runCallback(options, 'onCatalogueChanged', () => options.onCatalogueChanged?.(kind, items));
  }
}
