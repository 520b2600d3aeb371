import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { HostServerTimers } from '../types.js';
import { cancelWhenAbandoned } from './abandoned-requests.js';
import { StandaloneEventStream } from './event-stream.js';
import {
  getHeadersRefusal,
  type HttpRefusal,
  postHeadersRefusal,
  protocolVersionRefusal,
} from './http-request-checks.js';
import { readJsonBody, sendJsonRpcError } from './http-responses.js';
import { isAnswer, parseJsonRpcBody } from './json-rpc-body.js';
import { PostExchange } from './post-exchange.js';
import {
  invalidRequest,
  NOT_INITIALIZED,
  refuse,
  SECOND_STREAM,
  SESSION_GONE,
  undeliverable,
} from './session-refusals.js';

/** Options of {@link HttpSessionTransport}. */
export interface HttpSessionTransportOptions {
  /** The session's id, sent in `Mcp-Session-Id` on every answer. */
  readonly sessionId: string;
  /** Largest request body read; larger ones get 413. */
  readonly maxRequestBodyBytes: number;
  /** Milliseconds between keep-alive comments on the GET stream; 0 sends none. Default 15 000. */
  readonly keepAliveIntervalMs?: number;
  /** Timers for keep-alive comments. Default the global ones. */
  readonly timers?: HostServerTimers;
  /** Called once, when the transport accepts the session's `initialize`, before the server sees it. */
  readonly onInitialized?: (sessionId: string) => void;
  /**
   * Called each time the session stops being {@link HttpSessionTransport.busy | busy}: its last open POST was
   * answered (or withdrawn) and no GET stream is open. Idle expiry counts idle time from there.
   */
  readonly onIdle?: () => void;
}

const DEFAULT_KEEP_ALIVE_INTERVAL_MS = 15_000;

/**
 * One MCP session's Streamable HTTP transport (spec 2025-03-26 and 2025-06-18), working on `node:http` requests
 * and responses directly: no Web `Request`/`Response`, no web streams, no event store. Connect it to an SDK
 * `Server` and pass it every request for its session (routing by `Mcp-Session-Id` is the caller's job).
 *
 * - POST: headers checked (406, 415, protocol version 400), body read once (413, 400), then delivered. A body of
 *   notifications and responses only gets 202. Requests are answered as JSON, or as an event stream when the server
 *   sends a related message first (see {@link PostExchange}).
 * - GET: the standalone event stream for unrelated server messages; one per session (a second gets 409).
 * - DELETE: closes the session and answers 200.
 * - Cancellation: a `notifications/cancelled` aborts the handler's signal (the SDK server does it) and the request
 *   gets no answer. A POST whose response closes before its requests are answered (the client went away) cancels
 *   them the same way ({@link cancelWhenAbandoned}); closing the session aborts every handler still running.
 */
export class HttpSessionTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  readonly sessionId: string;

  readonly #options: HttpSessionTransportOptions;
  readonly #timers: HostServerTimers;
  /** The POST waiting to answer each request in flight. */
  readonly #exchanges = new Map<RequestId, PostExchange>();
  #standalone: StandaloneEventStream | undefined;
  #initialized = false;
  #closed = false;

  constructor(options: HttpSessionTransportOptions) {
    this.sessionId = options.sessionId;
    this.#options = options;
    this.#timers = options.timers ?? { setTimeout, clearTimeout };
  }

  /** True once the session's `initialize` request was accepted. */
  get initialized(): boolean {
    return this.#initialized;
  }

  /**
   * True while a POST waits for an answer or the GET stream is open: the client is there, so the session must not
   * expire or be evicted.
   */
  get busy(): boolean {
    return this.#exchanges.size > 0 || this.#standalone !== undefined;
  }

  /** Nothing to open: requests arrive through {@link handleRequest}. */
  async start(): Promise<void> {}

  /**
   * Answers one HTTP request for this session. `parsedBody` is a POST body the caller already read (it must not
   * be read twice). Resolves once the messages are delivered; answers to requests follow through `send()`.
   */
  async handleRequest(
    request: IncomingMessage,
    response: ServerResponse,
    parsedBody?: unknown,
  ): Promise<void> {
    if (this.#closed) return refuse(response, SESSION_GONE);
    switch (request.method) {
      case 'POST':
        return this.#post(request, response, parsedBody);
      case 'GET':
        return this.#get(request, response);
      case 'DELETE':
        return this.#delete(request, response);
      default:
        sendJsonRpcError(response, 405, -32000, 'Method Not Allowed: use POST, GET or DELETE.', {
          allow: 'GET, POST, DELETE',
        });
    }
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.#closed) return;
    if (isAnswer(message)) {
      const exchange = message.id === undefined ? undefined : this.#exchanges.get(message.id);
      if (!exchange) throw undeliverable(message.id, 'answers');
      this.#exchanges.delete(message.id as RequestId);
      exchange.answer(message);
      this.#idleCheck();
      return;
    }
    const relatedRequestId = options?.relatedRequestId;
    if (relatedRequestId === undefined) {
      // Unrelated messages need the GET stream; without one they are lost, as the spec allows.
      this.#standalone?.send(message);
      return;
    }
    const exchange = this.#exchanges.get(relatedRequestId);
    if (!exchange) throw undeliverable(relatedRequestId, 'relates to');
    exchange.relate(message);
  }

  /** Ends every open response (unanswered requests get a "connection closed" error) and fires `onclose` once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const [id, exchange] of this.#exchanges) {
      exchange.answer({
        jsonrpc: '2.0',
        id,
        error: {
          code: ErrorCode.ConnectionClosed,
          message:
            'Connection closed: the MCP session ended before this request was answered. Start a new session and try again.',
        },
      });
    }
    this.#exchanges.clear();
    this.#standalone?.end();
    this.onclose?.();
  }

  async #post(request: IncomingMessage, response: ServerResponse, parsedBody: unknown): Promise<void> {
    const headerRefusal = postHeadersRefusal(request.headers);
    if (headerRefusal) return refuse(response, headerRefusal);
    let body = parsedBody;
    if (body === undefined) {
      const read = await readJsonBody(request, this.#options.maxRequestBodyBytes);
      if (!read.ok) {
        // The rest of a body over the limit is never read: the connection cannot be reused.
        const headers = read.status === 413 ? { connection: 'close' } : {};
        return sendJsonRpcError(response, read.status, read.code, read.message, headers);
      }
      body = read.value;
    }
    const parsed = parseJsonRpcBody(body);
    if ('status' in parsed) return refuse(response, parsed);
    const refusal = this.#sessionRefusal(request, parsed.initialize, parsed.messages.length);
    if (refusal) return refuse(response, refusal);
    if (parsed.initialize) {
      this.#initialized = true;
      this.#options.onInitialized?.(this.sessionId);
    }

    const extra: MessageExtraInfo = { requestInfo: { headers: request.headers } };
    if (parsed.requestIds.length === 0) {
      response.writeHead(202, { 'mcp-session-id': this.sessionId }).end();
      for (const message of parsed.messages) this.#deliver(message, extra);
      return;
    }
    const running = parsed.requestIds.find((id) => this.#exchanges.has(id));
    if (running !== undefined) {
      return refuse(response, {
        status: 400,
        code: -32600,
        message: `Invalid Request: request id ${JSON.stringify(running)} is still running on this session. Use a new id.`,
      });
    }
    const exchange = new PostExchange(response, this.sessionId, parsed.requestIds.length, parsed.batch);
    for (const id of parsed.requestIds) this.#exchanges.set(id, exchange);
    for (const message of parsed.messages) this.#deliver(message, extra);
    cancelWhenAbandoned(
      response,
      parsed.requestIds,
      (id) => this.#exchanges.get(id) === exchange,
      (cancellation) => this.#deliver(cancellation, extra),
    );
  }

  /** Why a POST that passed its header and body checks cannot be taken on this session, if it cannot. */
  #sessionRefusal(
    request: IncomingMessage,
    initialize: boolean,
    messageCount: number,
  ): HttpRefusal | undefined {
    // close() may have run while the body was read.
    if (this.#closed) return SESSION_GONE;
    if (initialize) {
      if (this.#initialized) {
        return invalidRequest(
          'this session is already initialized. Start a new session for a new initialize.',
        );
      }
      return messageCount > 1
        ? invalidRequest('initialize must be the only message of its POST.')
        : undefined;
    }
    return this.#initialized ? protocolVersionRefusal(request.headers) : NOT_INITIALIZED;
  }

  #deliver(message: JSONRPCMessage, extra: MessageExtraInfo): void {
    this.onmessage?.(message, extra);
    if ('method' in message && message.method === 'notifications/cancelled' && !('id' in message)) {
      this.#withdraw(message.params?.requestId);
    }
  }

  /** A cancelled request gets no answer (the SDK server drops it), so its POST must not wait for one. */
  #withdraw(requestId: unknown): void {
    if (typeof requestId !== 'string' && typeof requestId !== 'number') return;
    const exchange = this.#exchanges.get(requestId);
    if (!exchange) return;
    this.#exchanges.delete(requestId);
    exchange.withdraw();
    this.#idleCheck();
  }

  #idleCheck(): void {
    if (!this.#closed && !this.busy) this.#options.onIdle?.();
  }

  #get(request: IncomingMessage, response: ServerResponse): void {
    const refusal =
      getHeadersRefusal(request.headers) ??
      (this.#initialized ? undefined : NOT_INITIALIZED) ??
      protocolVersionRefusal(request.headers);
    if (refusal ?? this.#standalone) {
      refuse(response, refusal ?? SECOND_STREAM);
      return;
    }
    const stream: StandaloneEventStream = new StandaloneEventStream(response, {
      sessionId: this.sessionId,
      keepAliveIntervalMs: this.#options.keepAliveIntervalMs ?? DEFAULT_KEEP_ALIVE_INTERVAL_MS,
      timers: this.#timers,
      onEnd: () => {
        if (this.#standalone !== stream) return;
        this.#standalone = undefined;
        this.#idleCheck();
      },
    });
    this.#standalone = stream;
  }

  async #delete(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const refusal = protocolVersionRefusal(request.headers);
    if (refusal) return refuse(response, refusal);
    await this.close();
    response.writeHead(200, { 'mcp-session-id': this.sessionId }).end();
  }
}
