import type { ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { HostServerTimers } from '../types.js';

/**
 * Sends the head of a `text/event-stream` answer. `no-transform` and `X-Accel-Buffering: no` keep proxies from
 * buffering events (nginx would otherwise hold them until its buffer fills).
 */
export function writeEventStreamHead(response: ServerResponse, sessionId: string): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    'mcp-session-id': sessionId,
  });
}

/**
 * One SSE event carrying one JSON-RPC message. `JSON.stringify` escapes every line break, so a single `data:` line
 * always holds the whole message. No `id:` field: this transport offers no resumption.
 */
export function eventFrame(message: JSONRPCMessage): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}

/** Options of {@link StandaloneEventStream}. */
export interface StandaloneEventStreamOptions {
  readonly sessionId: string;
  /** Milliseconds between `: keep-alive` comments; 0 sends none. */
  readonly keepAliveIntervalMs: number;
  readonly timers: HostServerTimers;
  /** Called once when the stream ends, by `end()` or because the client went away. */
  readonly onEnd: () => void;
}

/**
 * The session's standalone stream (the client's GET): server messages that relate to no request in flight, such
 * as `notifications/tools/list_changed` and forwarded log messages. The head goes out at once, so the client knows
 * the stream is open. Idle streams get a comment now and then, so proxies and load balancers do not cut them.
 */
export class StandaloneEventStream {
  readonly #response: ServerResponse;
  readonly #options: StandaloneEventStreamOptions;
  #keepAlive: unknown;
  #ended = false;

  constructor(response: ServerResponse, options: StandaloneEventStreamOptions) {
    this.#response = response;
    this.#options = options;
    writeEventStreamHead(response, options.sessionId);
    response.flushHeaders();
    response.once('close', () => this.#finish());
    this.#armKeepAlive();
  }

  /** Sends one message as an event. */
  send(message: JSONRPCMessage): void {
    if (this.#ended) return;
    this.#response.write(eventFrame(message));
  }

  /** Ends the stream (the client's SDK reconnects a GET stream that ends while its session lives). */
  end(): void {
    if (this.#ended) return;
    this.#response.end();
    this.#finish();
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#keepAlive !== undefined) this.#options.timers.clearTimeout(this.#keepAlive);
    this.#options.onEnd();
  }

  #armKeepAlive(): void {
    const { keepAliveIntervalMs, timers } = this.#options;
    if (keepAliveIntervalMs <= 0) return;
    this.#keepAlive = timers.setTimeout(() => {
      if (this.#ended) return;
      this.#response.write(': keep-alive\n\n');
      this.#armKeepAlive();
    }, keepAliveIntervalMs);
    // A quiet stream must not keep the process alive on its own.
    (this.#keepAlive as { unref?: () => void } | undefined)?.unref?.();
  }
}
