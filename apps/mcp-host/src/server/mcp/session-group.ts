import type { CatalogueKind, ToolRegistryChangeEvent } from '@cortex-mcp/tool-registry';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { ClientIdentity } from '../../auth/index.js';
import { HostServerError } from '../errors.js';
import type {
  CatalogueSource,
  HostServerInfo,
  HostServerLogger,
  HostServerTimers,
  McpSurface,
  UpstreamRouter,
} from '../types.js';
import type { AuditSink } from './audit.js';
import type { ClientLinkOptions } from './client-relay.js';
import { ElicitationBook } from './elicitations.js';
import { publicUriOf } from './forwarded.js';
import { GrantedCatalogue } from './granted-catalogue.js';
import { InFlightCalls } from './in-flight-calls.js';
import { composeInstructions } from './instructions.js';
import { createMcpSession, type SessionRouting } from './session-server.js';
import { SubscriptionBook } from './subscriptions.js';
import { offersTasks, TaskBook } from './tasks.js';

/** Options of {@link McpSessionGroup}. */
export interface McpSessionGroupOptions {
  /** What to serve; usually a `VersionedToolRegistry`. */
  readonly registry: CatalogueSource;
  /** Where reads, prompts, completions and subscriptions go. Default: nowhere (each fails as unavailable). */
  readonly upstream?: UpstreamRouter;
  /** Budget of the `instructions` sent in `initialize`, in UTF-8 bytes (default 16384; 0: none). */
  readonly instructionsMaxBytes?: number;
  readonly serverInfo: HostServerInfo;
  readonly logger?: HostServerLogger;
  /** Timers for drain deadlines. Default the global ones. */
  readonly timers?: HostServerTimers;
  /**
   * What every list (`tools/list`, `resources/list`, `resources/templates/list`, `prompts/list`) awaits before it
   * answers, or undefined to answer at once. The host holds a cold start's first lists until its first sync has
   * settled, within a bound it applies itself. Default: lists never wait.
   */
  readonly firstListReady?: (() => Promise<void> | undefined) | undefined;
  /**
   * How long a request an upstream sends back to a client (sampling, elicitation, roots) waits for the client's
   * answer, in ms. Default 300000: an elicitation may wait for a person.
   */
  readonly clientRequestTimeoutMs?: number;
  /** Receives one entry per forwarded request (who, what, how it ended). Default: none. */
  readonly audit?: AuditSink | undefined;
}

/** Default of {@link McpSessionGroupOptions.clientRequestTimeoutMs}. */
export const DEFAULT_CLIENT_REQUEST_TIMEOUT_MS = 300_000;

const silent: HostServerLogger = { warn: () => {} };

const DEFAULT_INSTRUCTIONS_MAX_BYTES = 16_384;

/** The router of a group given none: there is no connector to forward to. */
const NO_UPSTREAM: UpstreamRouter = {
  readResource: () => Promise.reject(noConnector()),
  getPrompt: () => Promise.reject(noConnector()),
  complete: () => Promise.reject(noConnector()),
  subscribeResource: () => Promise.reject(noConnector()),
  unsubscribeResource: () => Promise.resolve(),
  rootsListChanged: () => Promise.resolve(),
  callToolAsTask: () => Promise.reject(noConnector()),
  taskRequest: () => Promise.reject(noConnector()),
  instructions: () => [],
};

function noConnector(): HostServerError {
  return new HostServerError(
    'invalid_options',
    'This MCP surface forwards nothing: it was started without connectors.',
  );
}

/**
 * Every MCP session one surface (the HTTP endpoint, or stdio) serves, and what they share: the catalogue, the count
 * of requests in flight, the resource subscriptions, and the fan-out of `list_changed` notifications (per kind, on
 * every catalogue change), of `resources/updated` (to subscribers only) and of `notifications/elicitation/complete` (to the session that
 * relayed the elicitation). Transports are the caller's business: it opens a session, connects it, and the group
 * forgets the session when its transport closes.
 */
export class McpSessionGroup implements McpSurface {
  readonly #sessions = new Set<Server>();
  readonly #initialized = new Set<Server>();
  readonly #calls: InFlightCalls;
  readonly #routing: SessionRouting;
  readonly #subscriptions: SubscriptionBook;
  readonly #elicitations: ElicitationBook;
  readonly #tasks = new TaskBook();
  /** The view of each session a door let in with scopes: it is told of changes to that view only. */
  readonly #grants = new WeakMap<Server, GrantedCatalogue>();
  readonly #link: ClientLinkOptions;
  readonly #upstream: UpstreamRouter;
  readonly #instructionsMaxBytes: number;
  readonly #serverInfo: HostServerInfo;
  readonly #logger: HostServerLogger;
  readonly #unsubscribe: () => void;
  #draining = false;
  #closed = false;

  constructor(options: McpSessionGroupOptions) {
    this.#serverInfo = options.serverInfo;
    this.#logger = options.logger ?? silent;
    this.#calls = new InFlightCalls(options.timers);
    this.#upstream = options.upstream ?? NO_UPSTREAM;
    this.#instructionsMaxBytes = options.instructionsMaxBytes ?? DEFAULT_INSTRUCTIONS_MAX_BYTES;
    this.#subscriptions = new SubscriptionBook(this.#upstream, this.#logger);
    this.#elicitations = new ElicitationBook(this.#logger);
    this.#link = {
      requestTimeoutMs: options.clientRequestTimeoutMs ?? DEFAULT_CLIENT_REQUEST_TIMEOUT_MS,
      logger: this.#logger,
      elicitations: this.#elicitations,
    };
    const catalogue = options.registry;
    this.#routing = {
      tools: catalogue,
      catalogue,
      upstream: this.#upstream,
      subscriptions: this.#subscriptions,
      calls: this.#calls,
      isDraining: () => this.#draining,
      logger: this.#logger,
      publicUri: (connectorId) => publicUriOf(catalogue, connectorId),
      firstListReady: options.firstListReady,
      audit: options.audit,
    };
    this.#unsubscribe = catalogue.onChange((event) => this.#notifyListsChanged(event));
  }

  /** Upstream resource subscriptions held for this surface's sessions (one per resource). */
  get subscriptionCount(): number {
    return this.#subscriptions.size;
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
  /**
   * A new session's SDK `Server`, for `identity` when the door let a client in (its scopes then decide what the
   * session sees and may use), not yet connected: the caller connects it to its transport.
   */
  open(identity?: ClientIdentity): Server {
    if (this.#closed) {
      throw new HostServerError(
        'closed',
        'Cannot open an MCP session: the server is closed. Start a new one.',
      );
    }
    const instructions = composeInstructions(this.#upstream.instructions(), this.#instructionsMaxBytes);
    // Tasks are offered to a session opened while some tool of the catalogue can run as one.
    const tasks = offersTasks(this.#routing.tools.listTools()) ? this.#tasks : undefined;
    const granted = identity && new GrantedCatalogue(this.#routing.catalogue, identity.scopes);
    const server = createMcpSession(this.#serverInfo, this.#routing, this.#link, {
      instructions,
      tasks,
      granted,
      subject: identity?.subject,
    });
    if (granted) this.#grants.set(server, granted);
    server.oninitialized = () => {
      if (this.#sessions.has(server)) this.#initialized.add(server);
    };
    server.onclose = () => this.#forget(server);
    // Send failures on a stream the client already dropped land here; they are routine, not host faults.
    server.onerror = (error) => this.#logger.debug?.({ err: error }, 'MCP session error');
    this.#sessions.add(server);
    return server;
  }

  elicitationComplete(connectorId: string, elicitationId: string): void {
    this.#elicitations.completed(connectorId, elicitationId);
  }

  resourceUpdated(connectorId: string, uri: string): void {
    this.#subscriptions.updated({ connectorId, uri });
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
    this.#subscriptions.forget(server);
    this.#elicitations.forget(server);
    this.#tasks.forget(server);
  }

  /** Tells every session which lists changed: one notification per kind (templates are part of resources). */
  #notifyListsChanged(event: ToolRegistryChangeEvent): void {
    const kinds = new Set(event.kinds);
    const sends: ((server: Server) => Promise<void> | undefined)[] = [];
    const changed = (server: Server, ...of: CatalogueKind[]) => {
      const granted = this.#grants.get(server);
      // Every kind is checked (not `some`), so each view remembers what it was last told.
      return granted ? of.map((kind) => granted.viewChanged(kind)).includes(true) : true;
    };
    if (kinds.has('tools')) {
      sends.push((server) => (changed(server, 'tools') ? server.sendToolListChanged() : undefined));
    }
    if (kinds.has('resources') || kinds.has('resourceTemplates')) {
      const of = (['resources', 'resourceTemplates'] as const).filter((kind) => kinds.has(kind));
      sends.push((server) => (changed(server, ...of) ? server.sendResourceListChanged() : undefined));
    }
    if (kinds.has('prompts')) {
      sends.push((server) => (changed(server, 'prompts') ? server.sendPromptListChanged() : undefined));
    }
    for (const server of this.#initialized) {
      for (const send of sends) {
        send(server)?.catch((error: unknown) => {
          this.#logger.debug?.({ err: error }, 'could not send list_changed to a session');
        });
      }
    }
  }
}
