import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Dispatcher } from 'undici';
import type { ProxyTimers } from './backoff.js';
import { describeError } from './errors.js';
import { httpErrorFrom, isSessionExpired, notMcpError } from './http-errors.js';
import type { RequestAbort } from './http-exchange.js';
import type { RelatedMessageExtra } from './jsonrpc-wire.js';
import { type ServerSentEvent, SseParser } from './sse-parser.js';

/** How a request's event stream is resumed after the upstream closed it before the answer. */
export interface StreamResumptionOptions {
  /** Wait before resuming when the upstream gave no `retry`, in ms (default 1000, as the SDK's client). */
  defaultRetryMs: number;
  /** Resumptions in a row that bring no message before the request fails (default 5). */
  maxAttemptsWithoutProgress: number;
}

/** The defaults behind {@link StreamResumptionOptions}. */
export const DEFAULT_STREAM_RESUMPTION: StreamResumptionOptions = {
  defaultRetryMs: 1_000,
  maxAttemptsWithoutProgress: 5,
};

/** What a request's event stream needs from its transport. */
export interface RequestStreamHost {
  /** GETs the endpoint with `Last-Event-ID` through the stream dispatcher; returns the response, body unread. */
  resume(lastEventId: string, signal: RequestAbort): Promise<Dispatcher.ResponseData>;
  /** True when the GET carries a session id (a 404 then means the session is gone). */
  hasSession(): boolean;
  /** Receives every event of the stream and its resumptions, in order, with the request it belongs to. */
  onEvent(event: ServerSentEvent, related: RelatedMessageExtra | undefined): void;
  /** True while `id` awaits its answer. */
  isUnanswered(id: RequestId): boolean;
  /** True once the transport is closed. */
  isClosed(): boolean;
  /** Timers for the wait before each resumption. */
  timers: ProxyTimers;
  /** The resumption settings. */
  resumption: StreamResumptionOptions;
}

type Body = Dispatcher.ResponseData['body'];

const ABORTED = 'the request was aborted while its answer arrived';
/** What `StreamableHTTPError` puts before every message; a wrapped one's would be doubled. */
const SDK_PREFIX = /^Streamable HTTP error: /;

/**
 * Reads a POST's event stream until every request in `requestIds` is answered. When the stream ends (or breaks)
 * before that and gave an event id, the upstream is polling (MCP 2025-11-25, SEP-1699): after its `retry` delay
 * the stream is resumed with a GET carrying `Last-Event-ID`, whose events are delivered like the POST's, again
 * and again from the newest id, until the answers arrive; the resumed GET is then closed. `abort` (a
 * cancellation, or the transport's close) ends the wait and the GET.
 *
 * @throws {StreamableHTTPError} when the stream ends unanswered without an event id, the GET is refused (its
 *   status as `code`; a 404 on a session is an `UpstreamSessionExpiredError`), or `maxAttemptsWithoutProgress`
 *   resumptions in a row brought no message (`code` -1); or the error that broke a stream without an event id.
 */
export function readRequestStream(
  host: RequestStreamHost,
  body: Body,
  requestIds: RequestId[],
  abort: RequestAbort,
): Promise<void> {
  return new Promise((resolve, reject) => {
    new RequestStream(host, requestIds, abort, resolve, reject).read(body, false);
  });
}

class RequestStream {
  readonly #host: RequestStreamHost;
  readonly #requestIds: RequestId[];
  readonly #abort: RequestAbort;
  readonly #related: RelatedMessageExtra | undefined;
  readonly #resolve: () => void;
  readonly #reject: (error: Error) => void;
  readonly #onAbort = () => this.#settle(new Error(ABORTED));
  #lastEventId: string | undefined;
  #retryMs: number | undefined;
  #attemptsWithoutProgress = 0;
  #body: Body | undefined;
  #timer: unknown;
  #settled = false;

  constructor(
    host: RequestStreamHost,
    requestIds: RequestId[],
    abort: RequestAbort,
    resolve: () => void,
    reject: (error: Error) => void,
  ) {
    this.#host = host;
    this.#requestIds = requestIds;
    this.#abort = abort;
    // Messages on a request's stream belong to it: say which (the SDK never batches requests).
    this.#related = requestIds.length === 1 ? { relatedRequestId: requestIds[0] } : undefined;
    this.#resolve = resolve;
    this.#reject = reject;
    abort.once('abort', this.#onAbort);
  }

  /** Reads one stream: the POST's (`resumed` false) or a resumption GET's. */
  read(body: Body, resumed: boolean): void {
    // Aborted between the headers and here: the body's error was already emitted.
    if (body.destroyed || this.#abort.aborted) {
      body.on('error', () => {});
      this.#settle(new Error(ABORTED));
      return;
    }
    this.#body = body;
    let delivered = false;
    const parser = new SseParser(
      (event) => {
        if (event.data !== '') delivered = true;
        this.#host.onEvent(event, this.#related);
      },
      (delayMs) => {
        this.#retryMs = delayMs;
      },
    );
    body.on('data', (chunk: Buffer) => {
      parser.push(chunk);
      // A resumed GET may stay open after the answer (the upstream keeps it for the session): close it.
      if (resumed && this.#unanswered().length === 0) this.#settle();
    });
    const ended = (error?: Error) => {
      if (this.#body !== body) return;
      this.#body = undefined;
      this.#lastEventId = parser.lastEventId ?? this.#lastEventId;
      if (delivered) this.#attemptsWithoutProgress = 0;
      this.#ended(error);
    };
    body.on('end', () => ended());
    body.on('error', (error: Error) => ended(error));
  }

  /** A stream ended (or broke) or a GET failed: done, failed, or resume after the upstream's delay. */
  #ended(error?: Error): void {
    if (this.#settled) return;
    const open = this.#unanswered();
    if (open.length === 0 || this.#host.isClosed()) {
      this.#settle();
      return;
    }
    const which = `request ${open.join(', ')}`;
    if (!this.#lastEventId) {
      this.#settle(
        error ??
          notMcpError(
            `the event stream ended before the answer to ${which} and gave no event id to resume it from`,
          ),
      );
      return;
    }
    if (this.#attemptsWithoutProgress >= this.#host.resumption.maxAttemptsWithoutProgress) {
      const last = error ? ` (last: ${describeError(error)})` : '';
      const reason = `${this.#attemptsWithoutProgress} resumptions in a row brought no message${last}`;
      this.#settle(resumptionFailed(which, reason, -1));
      return;
    }
    this.#attemptsWithoutProgress++;
    const delayMs = this.#retryMs ?? this.#host.resumption.defaultRetryMs;
    this.#timer = this.#host.timers.setTimeout(() => {
      this.#timer = undefined;
      void this.#resume();
    }, delayMs);
  }

  async #resume(): Promise<void> {
    if (this.#settled) return;
    if (this.#unanswered().length === 0) {
      this.#settle();
      return;
    }
    let response: Dispatcher.ResponseData;
    try {
      response = await this.#host.resume(this.#lastEventId as string, this.#abort);
    } catch (error) {
      this.#ended(error as Error);
      return;
    }
    if (this.#settled) {
      response.body.on('error', () => {}).destroy();
      return;
    }
    const { statusCode } = response;
    if (statusCode < 200 || statusCode > 299) {
      const error: Error = await httpErrorFrom('GET', response, this.#host.hasSession());
      const which = `request ${this.#unanswered().join(', ')}`;
      const hint = statusCode === 405 ? ' (the upstream offers no GET stream to resume from)' : '';
      const reason = `${error.message.replace(SDK_PREFIX, '')}${hint}`;
      this.#settle(isSessionExpired(error) ? error : resumptionFailed(which, reason, statusCode));
      return;
    }
    const contentType = String(response.headers['content-type'] ?? '');
    if (!contentType.toLowerCase().startsWith('text/event-stream')) {
      await response.body.dump().catch(() => {});
      this.#settle(notMcpError(`the resumption GET answered ${contentType || 'no content type'}`));
      return;
    }
    this.read(response.body, true);
  }

  #unanswered(): RequestId[] {
    return this.#requestIds.filter((id) => this.#host.isUnanswered(id));
  }

  /** Resolves (no error) or rejects, once; clears the wait and closes any stream still open. */
  #settle(error?: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#abort.off('abort', this.#onAbort);
    if (this.#timer !== undefined) this.#host.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    const body = this.#body;
    this.#body = undefined;
    if (body && !body.destroyed) body.destroy();
    if (error) this.#reject(error);
    else this.#resolve();
  }
}

function resumptionFailed(which: string, reason: string, code: number): StreamableHTTPError {
  return new StreamableHTTPError(
    code,
    `the event stream of ${which} ended before the answer and could not be resumed: ${reason}`,
  );
}
