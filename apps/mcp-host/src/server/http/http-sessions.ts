import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { ClientIdentity } from '../../auth/index.js';
import type { McpSessionGroup } from '../mcp/index.js';
import type { HostServerLogger, HostServerTimers } from '../types.js';
import { readJsonBody, sendJsonRpcError } from './http-responses.js';
import { HttpSessionTable } from './http-session-table.js';
import { HttpSessionTransport } from './http-session-transport.js';

/** Options of {@link StreamableHttpSessions}. */
export interface StreamableHttpSessionsOptions {
  /** Opens the per-session MCP servers and shares the registry between them. */
  readonly group: McpSessionGroup;
  readonly logger: HostServerLogger;
  /** Largest request body read, on every POST. */
  readonly maxRequestBodyBytes: number;
  /** Milliseconds an idle session lives (see {@link HttpSessionTable}); 0: until deleted. */
  readonly sessionIdleTimeoutMs: number;
  /** Most sessions open at once; a new one beyond it evicts the longest-idle session, or gets 503. */
  readonly maxSessions: number;
  /** Milliseconds for idle time; only differences are used. */
  readonly clock: () => number;
  /** Timers for idle expiry and the GET streams' keep-alive comments. */
  readonly timers: HostServerTimers;
}

/**
 * The Streamable HTTP sessions of `/mcp`: one {@link HttpSessionTransport} (and one MCP server) per
 * `Mcp-Session-Id`.
 *
 * - A POST without a session id must be an `initialize` request: it opens a session, whose id the answer carries.
 *   Anything else without an id is 400, so no transport is ever built for a request that cannot start one.
 * - A request naming an unknown (expired, evicted, deleted) session is 404, which tells the client to start a new
 *   one.
 * - DELETE with a session id ends that session (its transport answers it and closes).
 * - A session idle for `sessionIdleTimeoutMs` is closed. When `maxSessions` are open, a new one evicts the
 *   longest-idle session; when every session is busy (a call in flight or a GET stream open), it gets 503.
 * - While the host drains or after close, new sessions are refused with 503.
 */
export class StreamableHttpSessions {
  readonly #table: HttpSessionTable;
  /** The identity (subject) that opened each session; undefined for sessions opened at an open door. */
  readonly #owners = new WeakMap<HttpSessionTransport, string | undefined>();
  readonly #options: StreamableHttpSessionsOptions;
  /** Sessions being opened: counted against `maxSessions` before their initialize is accepted. */
  #opening = 0;

  constructor(options: StreamableHttpSessionsOptions) {
    this.#options = options;
    this.#table = new HttpSessionTable({
      idleTimeoutMs: options.sessionIdleTimeoutMs,
      maxSessions: options.maxSessions,
      clock: options.clock,
      timers: options.timers,
      logger: options.logger,
    });
  }

  /** Sessions with an id (initialized at transport level). */
  get size(): number {
    return this.#table.size;
  }

  /** Stops every idle-expiry timer; call when the surface closes (its sessions are closed by their servers). */
  close(): void {
    this.#table.clear();
  }

  /**
   * Answers one request to `/mcp` from `identity` (undefined when the door asks nobody). A session belongs to the
   * identity that opened it: anyone else presenting its id is told it does not exist.
   */
  async handle(
    request: IncomingMessage,
    response: ServerResponse,
    identity?: ClientIdentity | undefined,
  ): Promise<void> {
    const sessionId = request.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const transport = this.#table.get(sessionId);
      if (!transport || this.#owners.get(transport) !== identity?.subject) {
        sendJsonRpcError(
          response,
          404,
          -32001,
          'Session not found: it ended (deleted, or closed after being idle) or never existed. Start a new session with an initialize request.',
        );
        return;
      }
      this.#table.touch(sessionId);
      await transport.handleRequest(request, response);
      return;
    }
    if (request.method === 'POST') {
      await this.#open(request, response, identity);
      return;
    }
    if (request.method === 'GET' || request.method === 'DELETE') {
      sendJsonRpcError(response, 400, -32000, 'Bad Request: this request needs an Mcp-Session-Id header.');
      return;
    }
    sendJsonRpcError(response, 405, -32000, 'Method Not Allowed: use POST, GET or DELETE.', {
      allow: 'GET, POST, DELETE',
    });
  }

  async #open(
    request: IncomingMessage,
    response: ServerResponse,
    identity: ClientIdentity | undefined,
  ): Promise<void> {
    const body = await readJsonBody(request, this.#options.maxRequestBodyBytes);
    if (!body.ok) {
      sendJsonRpcError(response, body.status, body.code, body.message, { connection: 'close' });
      return;
    }
    if (!isInitializeRequest(body.value)) {
      sendJsonRpcError(
        response,
        400,
        -32000,
        'Bad Request: no valid session. Send an initialize request first, then pass its Mcp-Session-Id header.',
      );
      return;
    }
    const refusal = this.#newSessionRefusal();
    if (refusal) {
      sendJsonRpcError(response, 503, -32000, refusal);
      return;
    }
    // The slot is held from here until the session enters the table (or its initialize is refused).
    this.#opening += 1;
    let holdsSlot = true;
    const releaseSlot = () => {
      if (holdsSlot) this.#opening -= 1;
      holdsSlot = false;
    };
    const transport: HttpSessionTransport = new HttpSessionTransport({
      sessionId: randomUUID(),
      maxRequestBodyBytes: this.#options.maxRequestBodyBytes,
      timers: this.#options.timers,
      onInitialized: () => {
        releaseSlot();
        this.#table.add(transport);
      },
      onIdle: () => this.#table.touch(transport.sessionId),
    });
    transport.onclose = () => this.#table.delete(transport.sessionId);
    this.#owners.set(transport, identity?.subject);
    try {
      const server = this.#options.group.open(identity);
      await server.connect(transport);
      await transport.handleRequest(request, response, body.value);
      // An initialize the transport refused (Accept, Content-Type) leaves a session no client can reach again.
      if (!transport.initialized) await server.close();
    } finally {
      releaseSlot();
    }
  }

  /** Why no session can be opened now (a 503 message), after evicting the longest-idle one if the table is full. */
  #newSessionRefusal(): string | undefined {
    const { group, maxSessions, logger } = this.#options;
    if (group.draining || group.closed) return 'Service Unavailable: the host is shutting down.';
    if (this.#table.makeRoom(this.#opening)) return undefined;
    logger.warn({ maxSessions }, 'refused a new MCP session: every session is in use');
    return `Service Unavailable: this host already serves its maximum of ${maxSessions} MCP sessions and every one is in use (a call running or a GET stream open). Close sessions you no longer need (DELETE) or try again later.`;
  }
}
