import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { LoggingMessageNotification } from '@modelcontextprotocol/sdk/types.js';
import { HostServerError } from '../errors.js';
import type {
  HostServerInfo,
  HostServerLogger,
  HostServerTimers,
  McpSurface,
  ToolSource,
  UpstreamLogEntry,
} from '../types.js';
import { InFlightCalls } from './in-flight-calls.js';
import { createMcpSession } from './session-server.js';
import type { ToolCallRouting } from './tool-call.js';

/** Options of {@link McpSessionGroup}. */
export interface McpSessionGroupOptions {
  /** The tools to serve; usually a `VersionedToolRegistry`. */
  readonly registry: ToolSource;
  readonly serverInfo: HostServerInfo;
  readonly logger?: HostServerLogger;
  /** Timers for drain deadlines. Default the global ones. */
  readonly timers?: HostServerTimers;
}

const silent: HostServerLogger = { warn: () => {} };

/**
 * Every MCP session one surface (the HTTP endpoint, or stdio) serves, and what they share: the registry, the count
 * of calls in flight, and the fan-out of `notifications/tools/list_changed` (on every registry change) and of
 * upstream log messages. Transports are the caller's business: it opens a session, connects it, and the group
 * forgets the session when its transport closes.
 */
export class McpSessionGroup implements McpSurface {
  readonly #sessions = new Set<Server>();
  readonly #initialized = new Set<Server>();
  readonly #calls: InFlightCalls;
  readonly #routing: ToolCallRouting;
  readonly #serverInfo: HostServerInfo;
  readonly #logger: HostServerLogger;
  readonly #unsubscribe: () => void;
  #draining = false;
  #closed = false;

  constructor(options: McpSessionGroupOptions) {
    this.#serverInfo = options.serverInfo;
    this.#logger = options.logger ?? silent;
    this.#calls = new InFlightCalls(options.timers);
    this.#routing = {
      tools: options.registry,
      calls: this.#calls,
      isDraining: () => this.#draining,
      logger: this.#logger,
    };
    this.#unsubscribe = options.registry.onChange(() => this.#notifyToolsChanged());
  }

  /** Sessions open now (connected or connecting). */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Tool calls running now, across all sessions. */
  get inFlightCalls(): number {
    return this.#calls.count;
  }

  /** True once `drain()` was called: new tool calls are refused. */
  get draining(): boolean {
    return this.#draining;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * A new session's SDK `Server`, not yet connected: the caller connects it to its transport. The group tracks it
   * until the transport closes.
   */
  open(): Server {
    if (this.#closed) {
      throw new HostServerError(
        'closed',
        'Cannot open an MCP session: the server is closed. Start a new one.',
      );
    }
    const server = createMcpSession(this.#serverInfo, this.#routing);
    server.oninitialized = () => {
      if (this.#sessions.has(server)) this.#initialized.add(server);
    };
    server.onclose = () => this.#forget(server);
    // Send failures on a stream the client already dropped land here; they are routine, not host faults.
    server.onerror = (error) => this.#logger.debug?.({ err: error }, 'MCP session error');
    this.#sessions.add(server);
    return server;
  }

  broadcastLog(entry: UpstreamLogEntry): void {
    const params: LoggingMessageNotification['params'] = {
      level: entry.level,
      logger: entry.logger ? `${entry.connectorId}/${entry.logger}` : entry.connectorId,
      data: entry.data,
    };
    for (const server of this.#initialized) {
      server.sendLoggingMessage(params, server.transport?.sessionId).catch((error: unknown) => {
        this.#logger.debug?.({ err: error }, 'could not forward a log message to a session');
      });
    }
  }

  drain(timeoutMs: number): Promise<number> {
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
      return Promise.reject(
        new HostServerError(
          'invalid_options',
          `drain(timeoutMs) needs a finite number ≥ 0, got ${timeoutMs}.`,
        ),
      );
    }
    this.#draining = true;
    return this.#calls.waitForIdle(timeoutMs);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#draining = true;
    this.#unsubscribe();
    const sessions = [...this.#sessions];
    await Promise.allSettled(sessions.map((server) => server.close()));
    for (const server of sessions) this.#forget(server);
  }

  #forget(server: Server): void {
    this.#sessions.delete(server);
    this.#initialized.delete(server);
  }

  #notifyToolsChanged(): void {
    for (const server of this.#initialized) {
      server.sendToolListChanged().catch((error: unknown) => {
        this.#logger.debug?.({ err: error }, 'could not send tools/list_changed to a session');
      });
    }
  }
}
