import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { readJsonBody, sendJsonRpcError } from './http-responses.js';
import { HttpSessionTransport } from './http-session-transport.js';
import type { McpSessionGroup } from './session-group.js';
import type { HostServerLogger, HostServerTimers } from './types.js';

/** Options of {@link StreamableHttpSessions}. */
export interface StreamableHttpSessionsOptions {
  /** Opens the per-session MCP servers and shares the registry between them. */
  readonly group: McpSessionGroup;
  readonly logger: HostServerLogger;
  /** Largest request body read, on every POST. */
  readonly maxRequestBodyBytes: number;
  /** Timers for the GET streams' keep-alive comments. Default the global ones. */
  readonly timers?: HostServerTimers;
}

/**
 * The Streamable HTTP sessions of `/mcp`: one {@link HttpSessionTransport} (and one MCP server) per
 * `Mcp-Session-Id`.
 *
 * - A POST without a session id must be an `initialize` request: it opens a session, whose id the answer carries.
 *   Anything else without an id is 400, so no transport is ever built for a request that cannot start one.
 * - A request naming an unknown (expired, deleted) session is 404, which tells the client to start a new one.
 * - DELETE with a session id ends that session (its transport answers it and closes).
 * - While the host drains or after close, new sessions are refused with 503.
 */
export class StreamableHttpSessions {
  readonly #transports = new Map<string, HttpSessionTransport>();
  readonly #options: StreamableHttpSessionsOptions;

  constructor(options: StreamableHttpSessionsOptions) {
    this.#options = options;
  }

  /** Sessions with an id (initialized at transport level). */
  get size(): number {
    return this.#transports.size;
  }

  /** Answers one request to `/mcp`. */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const sessionId = request.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const transport = this.#transports.get(sessionId);
      if (!transport) {
        sendJsonRpcError(
          response,
          404,
          -32001,
          'Session not found: it ended or never existed. Start a new session with an initialize request.',
        );
        return;
      }
      await transport.handleRequest(request, response);
      return;
    }
    if (request.method === 'POST') {
      await this.#open(request, response);
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

  async #open(request: IncomingMessage, response: ServerResponse): Promise<void> {
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
    const { group } = this.#options;
    if (group.draining || group.closed) {
      sendJsonRpcError(response, 503, -32000, 'Service Unavailable: the host is shutting down.');
      return;
    }
    const transport: HttpSessionTransport = new HttpSessionTransport({
      sessionId: randomUUID(),
      maxRequestBodyBytes: this.#options.maxRequestBodyBytes,
      ...(this.#options.timers && { timers: this.#options.timers }),
      onInitialized: (id) => {
        this.#transports.set(id, transport);
      },
    });
    transport.onclose = () => {
      this.#transports.delete(transport.sessionId);
    };
    const server = group.open();
    await server.connect(transport);
    await transport.handleRequest(request, response, body.value);
    // An initialize the transport refused (Accept, Content-Type) leaves a session no client can reach again.
    if (!transport.initialized) await server.close();
  }
}
