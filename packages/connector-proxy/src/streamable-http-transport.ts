import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Dispatcher } from 'undici';
import { GLOBAL_TIMERS, type ProxyTimers } from './backoff.js';
import { httpErrorFrom, notMcpError } from './http-errors.js';
import { exchange, RequestAbort } from './http-exchange.js';
import {
  cancelledRequestIdOf,
  includesInitialized,
  parseJsonRpcPayload,
  type RelatedMessageExtra,
  requestIdsOf,
  responseIdOf,
} from './jsonrpc-wire.js';
import type { ServerSentEvent } from './sse-parser.js';
import {
  DEFAULT_STREAM_REOPEN,
  StandaloneEventStream,
  type StreamReopenOptions,
} from './standalone-event-stream.js';
import {
  DEFAULT_STREAM_RESUMPTION,
  type RequestStreamHost,
  readRequestStream,
  type StreamResumptionOptions,
} from './stream-resumption.js';

/** Options of {@link UndiciStreamableHttpTransport}. */
export interface UndiciStreamableHttpTransportOptions {
  /** The MCP endpoint. */
  url: URL;
  /** Static headers (auth, extras) for every request. */
  headers?: Record<string, string>;
  /** Carries every POST and DELETE. */
  requestDispatcher: Dispatcher;
  /** Carries the long-lived standalone GET stream. */
  streamDispatcher: Dispatcher;
  /** Timers for reopening the GET stream and for the wait before resuming a request's. Default: the global ones. */
  timers?: ProxyTimers;
  /** Randomness for the reopen jitter, in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Reopen delays of the GET stream. */
  streamReopen?: Partial<StreamReopenOptions>;
  /** Resuming a request's event stream that the upstream closed before the answer. */
  streamResumption?: Partial<StreamResumptionOptions>;
}

const ACCEPT_ANY = 'application/json, text/event-stream';

/**
 * An MCP client transport for Streamable HTTP built on undici's `dispatcher.request()`: no WHATWG
 * Request/Response objects and no web streams on the call path. It POSTs each message, reads a JSON or
 * `text/event-stream` answer as it arrives and delivers its messages in wire order; it opens the standalone GET
 * stream through its own dispatcher once the session is initialised, and ends the session with DELETE. A
 * request's event stream that ends before its answer is resumed with `Last-Event-ID` (see `readRequestStream`).
 *
 * A request that the SDK cancels (an abort or a timeout, both of which send `notifications/cancelled`) has its
 * HTTP request aborted too, so the upstream sees the connection close. `close()` aborts everything in flight.
 * Errors carry the HTTP status as `code` (the SDK's `StreamableHTTPError`); a 404 on a session is an
 * `UpstreamSessionExpiredError`. A failed POST rejects `send()` (the SDK hands that to the request's
 * caller); failures of the GET stream, which has no caller, go to `onerror`.
 */
export class UndiciStreamableHttpTransport implements Transport {
  /** Set by the SDK's Protocol. */
  onclose?: () => void;
  /** Set by the SDK's Protocol. */
  onerror?: (error: Error) => void;
  /** Set by the SDK's Protocol. */
  onmessage?: Transport['onmessage'];

  readonly #url: URL;
  readonly #origin: string;
  readonly #path: string;
  readonly #staticHeaders: Record<string, string>;
  readonly #requestDispatcher: Dispatcher;
  readonly #streamDispatcher: Dispatcher;
  readonly #stream: StandaloneEventStream;
  /** How every POST's event stream reaches the transport, and resumes when the upstream closes it early. */
  readonly #requestStreams: RequestStreamHost;
  /** Every request in flight (POST, DELETE), so close() can abort it. */
  readonly #inFlight = new Set<RequestAbort>();
  /** The POST carrying each unanswered request, so a cancellation can abort it. */
  readonly #unanswered = new Map<RequestId, RequestAbort>();
  #sessionId: string | undefined;
  #protocolVersion: string | undefined;
  /** Rebuilt when the session id or protocol version changes; undici copies headers, never mutates them. */
  #postHeaders: Record<string, string>;
  #started = false;
  #closed = false;

  constructor(options: UndiciStreamableHttpTransportOptions) {
    this.#url = options.url;
    this.#origin = options.url.origin;
    this.#path = `${options.url.pathname}${options.url.search}`;
    this.#staticHeaders = lowerCaseNames(options.headers ?? {});
    this.#requestDispatcher = options.requestDispatcher;
    this.#streamDispatcher = options.streamDispatcher;
    this.#postHeaders = this.#headers({ accept: ACCEPT_ANY, 'content-type': 'application/json' });
    const timers = options.timers ?? GLOBAL_TIMERS;
    this.#requestStreams = {
      resume: (lastEventId, signal) => this.#openStream(signal, lastEventId),
      hasSession: () => this.#sessionId !== undefined,
      onEvent: (event, related) => this.#onEvent(event, related),
      isUnanswered: (id) => this.#unanswered.has(id),
      isClosed: () => this.#closed,
      timers,
      resumption: { ...DEFAULT_STREAM_RESUMPTION, ...options.streamResumption },
    };
    this.#stream = new StandaloneEventStream(
      {
        open: (signal) => this.#openStream(signal),
        hasSession: () => this.#sessionId !== undefined,
        onEvent: (event) => this.#onEvent(event),
        onError: (error) => this.#report(error),
      },
      timers,
      options.random ?? Math.random,
      { ...DEFAULT_STREAM_REOPEN, ...options.streamReopen },
    );
  }

  /** The session id the server assigned in its answer to `initialize`, until the session is terminated. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  /** The negotiated protocol version, sent as `mcp-protocol-version` once set. */
  get protocolVersion(): string | undefined {
    return this.#protocolVersion;
  }

  /** Called by the SDK's Client after `initialize`. */
  setProtocolVersion(version: string): void {
    this.#protocolVersion = version;
    this.#postHeaders = this.#headers({ accept: ACCEPT_ANY, 'content-type': 'application/json' });
  }

  /** Called by the SDK's Protocol when it connects. */
  async start(): Promise<void> {
    if (this.#started) throw new Error('UndiciStreamableHttpTransport already started');
    this.#started = true;
  }

  /**
   * POSTs `message` and delivers the answer's messages. Resolves when the answer has been read to its end.
   *
   * @throws {StreamableHTTPError} on an HTTP error status (`code` is the status; a 404 on a session is an
   *   `UpstreamSessionExpiredError`), an answer that is not MCP or an event stream that ended early and could
   *   not be resumed (`code` -1, or the resuming GET's status); or the network error.
   */
  async send(message: JSONRPCMessage | JSONRPCMessage[]): Promise<void> {
    if (this.#closed) throw new Error('the Streamable HTTP transport is closed');
    const cancelled = cancelledRequestIdOf(message);
    // The SDK cancels (abort, timeout) by sending notifications/cancelled: abort the request's POST as well.
    if (cancelled !== undefined) this.#unanswered.get(cancelled)?.abort();
    const requestIds = requestIdsOf(message);
    const abort = new RequestAbort();
    this.#inFlight.add(abort);
    for (const id of requestIds) this.#unanswered.set(id, abort);
    const hadSession = this.#sessionId !== undefined;
    try {
      const response = await exchange(this.#requestDispatcher, this.#url, {
        origin: this.#origin,
        path: this.#path,
        method: 'POST',
        headers: this.#postHeaders,
        body: JSON.stringify(message),
        signal: abort,
      });
      await this.#readAnswer(response, message, requestIds, hadSession, abort);
    } finally {
      this.#inFlight.delete(abort);
      for (const id of requestIds) {
        if (this.#unanswered.get(id) === abort) this.#unanswered.delete(id);
      }
    }
  }

  /**
   * Ends the session with HTTP DELETE (Streamable HTTP asks clients that leave to do so). A 405 means the server
   * does not let clients end sessions, which is fine. Does nothing without a session.
   *
   * @throws {StreamableHTTPError} on any other HTTP error; or the network error.
   */
  async terminateSession(): Promise<void> {
    if (this.#sessionId === undefined || this.#closed) return;
    const abort = new RequestAbort();
    this.#inFlight.add(abort);
    try {
      const response = await exchange(this.#requestDispatcher, this.#url, {
        origin: this.#origin,
        path: this.#path,
        method: 'DELETE',
        headers: this.#headers({}),
        signal: abort,
      });
      if (response.statusCode !== 405 && (response.statusCode < 200 || response.statusCode > 299)) {
        throw await httpErrorFrom('DELETE', response, true);
      }
      await response.body.dump().catch(() => {});
      this.#sessionId = undefined;
    } finally {
      this.#inFlight.delete(abort);
    }
  }

  /** Aborts every request in flight and the standalone stream, then fires `onclose` (once). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stream.stop();
    for (const abort of this.#inFlight) abort.abort();
    this.#inFlight.clear();
    this.#unanswered.clear();
    this.onclose?.();
  }

  async #readAnswer(
    response: Dispatcher.ResponseData,
    message: JSONRPCMessage | JSONRPCMessage[],
    requestIds: RequestId[],
    hadSession: boolean,
    abort: RequestAbort,
  ): Promise<void> {
    const { statusCode, headers, body } = response;
    const sessionId = headers['mcp-session-id'];
    if (typeof sessionId === 'string' && sessionId !== '' && sessionId !== this.#sessionId) {
      this.#sessionId = sessionId;
      this.#postHeaders = this.#headers({ accept: ACCEPT_ANY, 'content-type': 'application/json' });
    }
    if (statusCode < 200 || statusCode > 299) throw await httpErrorFrom('POST', response, hadSession);
    if (statusCode === 202 || requestIds.length === 0) {
      await body.dump().catch(() => {});
      if (includesInitialized(message)) this.#stream.start();
      return;
    }
    const contentType = String(headers['content-type'] ?? '').toLowerCase();
    if (contentType.startsWith('text/event-stream')) {
      await readRequestStream(this.#requestStreams, body, requestIds, abort);
    } else if (contentType.startsWith('application/json')) {
      for (const answer of parseJsonRpcPayload(await body.text())) this.#deliver(answer);
    } else {
      await body.dump().catch(() => {});
      throw notMcpError(`expected application/json or text/event-stream, got ${contentType || 'nothing'}`);
    }
  }

  #onEvent(event: ServerSentEvent, related?: RelatedMessageExtra): void {
    if (event.event !== 'message' || event.data === '') return;
    let messages: JSONRPCMessage[];
    try {
      messages = parseJsonRpcPayload(event.data);
    } catch (error) {
      this.#report(error as Error);
      return;
    }
    for (const message of messages) this.#deliver(message, related);
  }

  #deliver(message: JSONRPCMessage, related?: RelatedMessageExtra): void {
    const answered = responseIdOf(message);
    if (answered !== undefined) this.#unanswered.delete(answered);
    this.onmessage?.(message, related);
  }

  /** A GET through the stream dispatcher: the standalone stream, or with `lastEventId` a request's resumed one. */
  #openStream(signal: RequestAbort, lastEventId?: string): Promise<Dispatcher.ResponseData> {
    const extra: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId !== undefined) extra['last-event-id'] = lastEventId;
    return exchange(this.#streamDispatcher, this.#url, {
      origin: this.#origin,
      path: this.#path,
      method: 'GET',
      headers: this.#headers(extra),
      signal,
    });
  }

  #headers(extra: Record<string, string>): Record<string, string> {
    const headers = { ...this.#staticHeaders, ...extra };
    if (this.#sessionId !== undefined) headers['mcp-session-id'] = this.#sessionId;
    if (this.#protocolVersion !== undefined) headers['mcp-protocol-version'] = this.#protocolVersion;
    return headers;
  }

  #report(error: Error): void {
    if (!this.#closed) this.onerror?.(error);
  }
}

function lowerCaseNames(headers: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
  return result;
}
