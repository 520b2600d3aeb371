import type { Dispatcher } from 'undici';
import type { ProxyTimers } from './backoff.js';
import { describeError } from './errors.js';
import { httpErrorFrom, isSessionExpired, notMcpError } from './http-errors.js';
import { RequestAbort } from './http-exchange.js';
import { type ServerSentEvent, SseParser } from './sse-parser.js';

/** Delays between reopening a dropped standalone stream. */
export interface StreamReopenOptions {
  /** Delay ceiling before the first reopen, in ms (default 1000). */
  initialDelayMs: number;
  /** Upper bound of any reopen delay, in ms (default 30 000). */
  maxDelayMs: number;
}

/** The defaults behind {@link StreamReopenOptions}. */
export const DEFAULT_STREAM_REOPEN: StreamReopenOptions = { initialDelayMs: 1_000, maxDelayMs: 30_000 };

/** What the stream needs from its transport. */
export interface EventStreamHost {
  /** Sends the GET (through the stream dispatcher) and returns the response with its body unread. */
  open(signal: RequestAbort): Promise<Dispatcher.ResponseData>;
  /** True when the GET carried a session id (a 404 then means the session is gone). */
  hasSession(): boolean;
  /** Receives every event of the stream, in order. */
  onEvent(event: ServerSentEvent): void;
  /** Receives what went wrong: failed opens, drops, a lost session. */
  onError(error: Error): void;
}

/**
 * The Streamable HTTP "standalone" event stream: the GET on which the server sends messages that belong to no
 * request, such as `notifications/tools/list_changed`. Opened once the session is initialised; while it is not
 * stopped, a stream that fails or ends is reopened after `min(maxDelayMs, initialDelayMs * 2^n)`, half of it
 * fixed and half random, or after the server's `retry` when it sent one. The attempt count resets when a GET is
 * accepted. A 405 means the server offers no such stream, and a 404 on a session means the session is gone:
 * both end the attempts. No `Last-Event-ID` resumption: messages sent while the stream is down are lost, as
 * they are for a client without an event store.
 */
export class StandaloneEventStream {
  readonly #host: EventStreamHost;
  readonly #timers: ProxyTimers;
  readonly #random: () => number;
  readonly #reopen: StreamReopenOptions;
  #abort: RequestAbort | undefined;
  #timer: unknown;
  #attempt = 0;
  #retryMs: number | undefined;
  #started = false;
  #stopped = false;

  constructor(host: EventStreamHost, timers: ProxyTimers, random: () => number, reopen: StreamReopenOptions) {
    this.#host = host;
    this.#timers = timers;
    this.#random = random;
    this.#reopen = reopen;
  }

  /** Opens the stream (once; later calls do nothing). */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    void this.#open();
  }

  /** Aborts the stream and any pending reopen, for good. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#abort?.abort();
    this.#abort = undefined;
  }

  async #open(): Promise<void> {
    const abort = new RequestAbort();
    this.#abort = abort;
    let response: Dispatcher.ResponseData;
    try {
      response = await this.#host.open(abort);
    } catch (error) {
      this.#ended(abort, new Error(`could not open the event stream: ${describeError(error)}`));
      return;
    }
    if (this.#stopped) {
      response.body.on('error', () => {}).destroy();
      return;
    }
    const { statusCode } = response;
    if (statusCode === 405) {
      // The server offers no standalone stream: fine, and final.
      await response.body.dump().catch(() => {});
      this.#abort = undefined;
      return;
    }
    if (statusCode < 200 || statusCode > 299) {
      const error = await httpErrorFrom('GET', response, this.#host.hasSession());
      this.#ended(abort, error, !isSessionExpired(error));
      return;
    }
    const contentType = String(response.headers['content-type'] ?? '');
    if (!contentType.toLowerCase().startsWith('text/event-stream')) {
      await response.body.dump().catch(() => {});
      const detail = `the event-stream GET answered ${contentType || 'no content type'}`;
      this.#ended(abort, notMcpError(detail), false);
      return;
    }
    this.#attempt = 0;
    this.#read(response.body, abort);
  }

  #read(body: Dispatcher.ResponseData['body'], abort: RequestAbort): void {
    const parser = new SseParser(
      (event) => this.#host.onEvent(event),
      (delayMs) => {
        this.#retryMs = delayMs;
      },
    );
    body.on('data', (chunk: Buffer) => parser.push(chunk));
    body.on('end', () => this.#ended(abort, new Error('the upstream ended the event stream')));
    body.on('error', (error: Error) =>
      this.#ended(abort, new Error(`the event stream broke: ${describeError(error)}`)),
    );
  }

  /** The stream (or an attempt to open it) is over: report it and, with `reopen`, schedule the next attempt. */
  #ended(abort: RequestAbort, error: Error, reopen = true): void {
    if (this.#abort !== abort) return;
    this.#abort = undefined;
    if (abort.aborted) return;
    if (!reopen) this.#stopped = true;
    this.#host.onError(error);
    if (this.#stopped) return;
    const ceilingMs = Math.min(this.#reopen.maxDelayMs, this.#reopen.initialDelayMs * 2 ** this.#attempt);
    const delayMs = this.#retryMs ?? Math.floor(ceilingMs / 2 + (this.#random() * ceilingMs) / 2);
    this.#attempt++;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#stopped) void this.#open();
    }, delayMs);
  }
}
