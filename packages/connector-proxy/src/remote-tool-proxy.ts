import {
  type CallToolResult,
  CallToolResultSchema,
  ListToolsResultSchema,
  type Progress,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { buildRequestHeaders } from './auth-headers.js';
import { ReconnectSchedule } from './backoff.js';
import { coalescedRun } from './coalesced-run.js';
import { toRequestError } from './error-mapping.js';
import { ConnectorUnavailableError, describeError } from './errors.js';
import { type RemoteToolProxyOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { listAllPages, listsDiffer, type PagedList } from './paged-listing.js';
import { requestPassThrough } from './pass-through.js';
import { ProxyTransports } from './proxy-transports.js';
import { closeSession, openSession, type Session } from './session.js';
import { SessionWatch } from './session-watch.js';
import type { ConcreteTransportKind } from './transports.js';

const TOOL_LIST: PagedList = {
  method: 'tools/list',
  key: 'tools',
  noun: 'tool',
  check: ListToolsResultSchema,
};

/**
 * Where a proxy is in its life: `idle` (never connected, or disconnected), `connecting` (first handshake),
 * `up` (calls go through), `down` (connection lost, reconnecting with backoff).
 */
export type ProxyState = 'idle' | 'connecting' | 'up' | 'down';

/** Per-call options of {@link RemoteToolProxy.callTool}. */
export interface CallToolOptions {
  /** Aborting it cancels the call: the upstream gets `notifications/cancelled`. */
  signal?: AbortSignal;
  /** Receives the upstream's `notifications/progress` for this call. Each one restarts the timeout. */
  onProgress?: (progress: Progress) => void;
  /** Timeout without an answer (or progress), in ms. Default: the proxy's `callTimeoutMs`. */
  timeoutMs?: number;
}

/**
 * Owns the connection to one upstream MCP server: connects over Streamable HTTP, legacy SSE or stdio, lists and
 * calls its tools, and keeps the connection alive (reconnects with capped, fully jittered exponential backoff).
 */
export class RemoteToolProxy {
  /** The connector id. */
  readonly id: string;
  readonly #options: ResolvedOptions;
  #state: ProxyState = 'idle';
  #session: Session | undefined;
  #available = false;
  #tools: Tool[] | undefined;
  #lostCause: unknown;
  #epoch = 0;
  readonly #reconnects: ReconnectSchedule;
  readonly #relist: () => void;
  #connecting: Promise<void> | undefined;
  #attemptController: AbortController | undefined;
  readonly #transports: ProxyTransports;
  readonly #watch: SessionWatch;

  /** @throws {ConnectorProxyError} `invalid_options` when the options cannot work. */
  constructor(options: RemoteToolProxyOptions) {
    this.#options = resolveOptions(options);
    this.id = this.#options.id;
    this.#transports = new ProxyTransports(
      this.#options,
      buildRequestHeaders(this.id, options.auth, options.headers),
      (text) => this.#log('debug', { stderr: text.trimEnd().slice(0, 4000) }, 'upstream stderr'),
    );
    const { reconnect, random, timers } = this.#options;
    this.#reconnects = new ReconnectSchedule(reconnect, random, timers);
    this.#relist = coalescedRun(() => this.#relistOnce());
    this.#watch = new SessionWatch(this.#options, {
      isLive: (session) => session === this.#session && this.#state === 'up',
      lost: (session, cause) => this.#onSessionLost(session, cause),
      toolListChanged: this.#relist,
      upstreamLog: (entry) =>
        this.#callback('onLog', () => this.#options.onLog?.({ connectorId: this.id, ...entry })),
    });
  }

  /** Current state. */
  get state(): ProxyState {
    return this.#state;
  }

  /** True while calls go through (`state === 'up'`). */
  get available(): boolean {
    return this.#available;
  }

  /** The transport of the live session (what `auto` resolved to), or undefined when not connected. */
  get activeTransport(): ConcreteTransportKind | undefined {
    return this.#session?.kind;
  }

  /** The MCP protocol version the upstream chose in the handshake of the live session; undefined while not up. */
  get protocolVersion(): string | undefined {
    return this.#session?.protocolVersion;
  }

  /** The last tool list seen (from `getTools()`, `list_changed` or a reconnect), or undefined. */
  get tools(): Tool[] | undefined {
    return this.#tools;
  }

  /**
   * Connects and runs the MCP handshake, bounded by `connectTimeoutMs`. Resolves at once when already up;
   * joins an attempt already running. A failed first connect is not retried in the background: call again.
   *
   * @throws {ConnectorProxyError} `connect_timeout`, `unavailable`, `unauthorized` or `protocol`.
   */
  connect(): Promise<void> {
    if (this.#state === 'up') return Promise.resolve();
    if (this.#connecting) return this.#connecting;
    this.#reconnects.cancel();
    if (this.#state === 'idle') this.#state = 'connecting';
    const attempt = this.#runAttempt().finally(() => {
      if (this.#connecting === attempt) this.#connecting = undefined;
    });
    this.#connecting = attempt;
    return attempt;
  }

  /**
   * Lists every upstream tool, following `nextCursor` across pages, and remembers the list.
   *
   * @throws {ConnectorUnavailableError} at once when not connected.
   * @throws {ConnectorProxyError} `protocol` on a repeating cursor or an endless list; `call_timeout`.
   */
  async getTools(): Promise<Tool[]> {
    const session = this.#requireSession();
    try {
      const tools = await this.#listTools(session);
      if (session === this.#session) this.#tools = tools;
      return tools;
    } catch (error) {
      this.#watch.afterRequestFailure(session, error, undefined);
      throw toRequestError(this.id, 'tools/list', error);
    }
  }

  /**
   * Calls an upstream tool and returns its `CallToolResult` as sent (`isError` results are results, not throws).
   *
   * @throws {ConnectorUnavailableError} at once when not connected, or when the connection fails mid-call.
   * @throws {ConnectorProxyError} `aborted`, `call_timeout` or `protocol` (a JSON-RPC error from the upstream).
   */
  async callTool(
    name: string,
    args: Record<string, unknown> = {},
    options: CallToolOptions = {},
  ): Promise<CallToolResult> {
    const session = this.#requireSession();
    const { signal, onProgress } = options;
    try {
      const request = { method: 'tools/call', params: { name, arguments: args } };
      return await requestPassThrough(session.client, request, CallToolResultSchema, {
        signal,
        timeout: options.timeoutMs ?? this.#options.callTimeoutMs,
        onprogress: onProgress,
        resetTimeoutOnProgress: true,
      });
    } catch (error) {
      this.#watch.afterRequestFailure(session, error, signal);
      throw toRequestError(this.id, `tools/call "${name}"`, error, signal);
    }
  }

  /**
   * Closes the session (ending a Streamable HTTP session with DELETE, killing a stdio child), stops reconnecting,
   * and destroys the proxy's own stream agent. Idempotent. Fires `onAvailabilityChange(false)` if it was up.
   * `connect()` may be called again afterwards.
   */
  async disconnect(): Promise<void> {
    this.#epoch++;
    this.#reconnects.cancel();
    this.#attemptController?.abort(
      new ConnectorUnavailableError(this.id, 'disconnect() was called while connecting'),
    );
    const pending = this.#connecting;
    const session = this.#session;
    this.#session = undefined;
    this.#state = 'idle';
    this.#tools = undefined;
    this.#lostCause = undefined;
    this.#reconnects.reset();
    await pending?.catch(() => {});
    if (session) await closeSession(session, true, this.#options, this.#options.connectTimeoutMs);
    await this.#transports.release();
    this.#setAvailable(false);
  }

  async #runAttempt(): Promise<void> {
    const epoch = this.#epoch;
    const reconnecting = this.#state === 'down';
    const controller = new AbortController();
    this.#attemptController = controller;
    let session: Session;
    try {
      session = await openSession(
        this.#options,
        this.#transports.context(),
        this.#watch.wire,
        controller.signal,
      );
    } catch (error) {
      if (epoch === this.#epoch) {
        if (this.#state === 'down') {
          this.#log('info', { err: describeError(error) }, 'reconnect attempt failed');
          this.#scheduleReconnect();
        } else this.#state = 'idle';
      }
      throw error;
    }
    if (epoch !== this.#epoch) {
      await closeSession(session, true, this.#options, this.#options.connectTimeoutMs);
      throw new ConnectorUnavailableError(this.id, 'disconnect() was called while connecting');
    }
    this.#session = session;
    this.#state = 'up';
    this.#reconnects.reset();
    this.#lostCause = undefined;
    this.#log('info', { transport: session.kind, reconnected: reconnecting }, 'connector connected');
    this.#setAvailable(true);
    if (reconnecting) this.#relist();
  }

  #requireSession(): Session {
    const session = this.#session;
    if (session && this.#state === 'up') return session;
    if (this.#state === 'down') {
      throw new ConnectorUnavailableError(
        this.id,
        `connection lost: ${describeError(this.#lostCause)}; reconnecting`,
        { cause: this.#lostCause },
      );
    }
    if (this.#state === 'connecting') throw new ConnectorUnavailableError(this.id, 'still connecting');
    throw new ConnectorUnavailableError(this.id, 'not connected; call connect() first');
  }

  #onSessionLost(session: Session, cause: unknown): void {
    this.#session = undefined;
    this.#state = 'down';
    this.#lostCause = cause;
    this.#log('warn', { err: describeError(cause) }, 'connector connection lost; reconnecting');
    void closeSession(session, false, this.#options, this.#options.connectTimeoutMs);
    this.#setAvailable(false);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#state === 'down') this.#reconnects.schedule(() => void this.connect().catch(() => {}));
  }

  async #relistOnce(): Promise<void> {
    const session = this.#session;
    if (!session || this.#state !== 'up') return;
    try {
      const tools = await this.#listTools(session);
      if (session !== this.#session || !listsDiffer(this.#tools, tools)) return;
      this.#tools = tools;
      this.#callback('onToolsChanged', () => this.#options.onToolsChanged?.(tools));
    } catch (error) {
      this.#log('warn', { err: describeError(error) }, 'could not re-list the upstream tools');
      this.#watch.afterRequestFailure(session, error, undefined);
    }
  }

  #listTools(session: Session): Promise<Tool[]> {
    return listAllPages<Tool>(session.client, TOOL_LIST, this.id, this.#options.callTimeoutMs);
  }

  #setAvailable(available: boolean): void {
    if (this.#available === available) return;
    this.#available = available;
    this.#callback('onAvailabilityChange', () => this.#options.onAvailabilityChange?.(available));
  }

  #callback(name: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.#log('warn', { callback: name, err: describeError(error) }, 'a proxy callback threw');
    }
  }

  #log(level: 'debug' | 'info' | 'warn', fields: object, message: string): void {
    const logger = this.#options.logger;
    logger?.[level]?.({ connectorId: this.id, ...fields }, message);
  }
}
