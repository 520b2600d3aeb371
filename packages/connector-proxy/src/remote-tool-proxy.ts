import {
  type CallToolResult,
  CallToolResultSchema,
  ListToolsResultSchema,
  type Progress,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { coalescedRun } from './coalesced-run.js';
import { toRequestError } from './error-mapping.js';
import { describeError } from './errors.js';
import { type RemoteToolProxyOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { listAllPages, listsDiffer, type PagedList } from './paged-listing.js';
import { requestPassThrough } from './pass-through.js';
import { proxyLog, runCallback } from './proxy-log.js';
import type { Session } from './session.js';
import type { ConcreteTransportKind } from './transports.js';
import { type ProxyState, UpstreamConnection } from './upstream-connection.js';

const TOOL_LIST: PagedList = {
  method: 'tools/list',
  key: 'tools',
  noun: 'tool',
  check: ListToolsResultSchema,
};

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
  readonly #connection: UpstreamConnection;
  #tools: Tool[] | undefined;
  readonly #relist: () => void;

  /** @throws {ConnectorProxyError} `invalid_options` when the options cannot work. */
  constructor(options: RemoteToolProxyOptions) {
    const resolved = resolveOptions(options);
    this.#options = resolved;
    this.id = resolved.id;
    this.#relist = coalescedRun(() => this.#relistOnce());
    this.#connection = new UpstreamConnection(resolved, options, {
      availability: (up) =>
        runCallback(resolved, 'onAvailabilityChange', () => resolved.onAvailabilityChange?.(up)),
      up: (reconnected) => {
        if (reconnected) this.#relist();
      },
      toolListChanged: this.#relist,
      upstreamLog: (entry) =>
        runCallback(resolved, 'onLog', () => resolved.onLog?.({ connectorId: this.id, ...entry })),
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
    try {
      const tools = await this.#listTools(session);
      if (session === this.#connection.session) this.#tools = tools;
      return tools;
    } catch (error) {
      this.#connection.afterRequestFailure(session, error, undefined);
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
    const session = this.#connection.requireSession();
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
      this.#connection.afterRequestFailure(session, error, signal);
      throw toRequestError(this.id, `tools/call "${name}"`, error, signal);
    }
  }

  /**
   * Closes the session (ending a Streamable HTTP session with DELETE, killing a stdio child), stops reconnecting,
   * and destroys the proxy's own stream agent. Idempotent. Fires `onAvailabilityChange(false)` if it was up.
   * `connect()` may be called again afterwards.
   */
  async disconnect(): Promise<void> {
    this.#tools = undefined;
    await this.#connection.disconnect();
  }

  async #relistOnce(): Promise<void> {
    const session = this.#connection.session;
    if (!session) return;
    try {
      const tools = await this.#listTools(session);
      if (session !== this.#connection.session || !listsDiffer(this.#tools, tools)) return;
      this.#tools = tools;
      runCallback(this.#options, 'onToolsChanged', () => this.#options.onToolsChanged?.(tools));
    } catch (error) {
      proxyLog(this.#options, 'warn', { err: describeError(error) }, 'could not re-list the upstream tools');
      this.#connection.afterRequestFailure(session, error, undefined);
    }
  }

  #listTools(session: Session): Promise<Tool[]> {
    return listAllPages<Tool>(session.client, TOOL_LIST, this.id, this.#options.callTimeoutMs);
  }
}
