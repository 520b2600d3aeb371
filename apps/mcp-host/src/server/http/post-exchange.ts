import type { ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { eventFrame, writeEventStreamHead } from './event-stream.js';

/**
 * The answer to one POST that carried requests. It starts undecided and becomes one of two forms, as the Streamable
 * HTTP spec allows either and clients must accept both:
 *
 * - **JSON** (the fast, common case): nothing but the answers is sent for the POST, so they go out as one
 *   `application/json` body once every request in it is answered (one object, or an array for a batch).
 * - **event stream**: the server sends a message related to one of the POST's requests (progress, a log message,
 *   a sampling request) before all are answered. The answer switches to `text/event-stream` at that moment, with any
 *   answers held so far as its first events, and ends after the last answer.
 *
 * Writes to a response whose client went away are dropped by Node; the exchange still counts the answers, so its
 * owner can forget it when the last one arrives.
 */
export class PostExchange {
  readonly #response: ServerResponse;
  readonly #sessionId: string;
  readonly #batch: boolean;
  #unanswered: number;
  /** Answers of a batch waiting for the rest, in the JSON form. */
  #held: JSONRPCMessage[] | undefined;
  #streaming = false;

  /**
   * @param requestCount requests in the POST (at least one)
   * @param batch the POST body was an array, so a JSON answer must be one too
   */
  constructor(response: ServerResponse, sessionId: string, requestCount: number, batch: boolean) {
    this.#response = response;
    this.#sessionId = sessionId;
    this.#unanswered = requestCount;
    this.#batch = batch;
  }

  /** True once every request of the POST is answered (or withdrawn) and the response has ended. */
  get settled(): boolean {
    return this.#unanswered === 0;
  }

  /** Sends (or holds) the answer to one of the POST's requests; the response ends with the last one. */
  answer(message: JSONRPCMessage): void {
    this.#unanswered -= 1;
    if (this.#streaming) {
      this.#writeEvent(message, this.#unanswered === 0);
      return;
    }
    if (!this.#batch) {
      this.#sendJson(message);
      return;
    }
    this.#held ??= [];
    this.#held.push(message);
    if (this.#unanswered === 0) this.#sendJson(this.#held);
  }

  /** Sends a message related to one of the POST's requests, switching the answer to an event stream. */
  relate(message: JSONRPCMessage): void {
    this.#startStreaming();
    this.#writeEvent(message, false);
  }

  /**
   * Forgets one request that will get no answer (the client cancelled it, and the spec says not to answer). When it
   * was the last one, the response ends: as JSON when answers are held, else as an empty event stream.
   */
  withdraw(): void {
    this.#unanswered -= 1;
    if (this.#unanswered > 0) return;
    if (this.#held !== undefined) {
      this.#sendJson(this.#held);
      return;
    }
    this.#startStreaming();
    if (!this.#response.destroyed) this.#response.end();
  }

  #startStreaming(): void {
    if (this.#streaming) return;
    this.#streaming = true;
    if (this.#response.destroyed) return;
    writeEventStreamHead(this.#response, this.#sessionId);
    for (const held of this.#held ?? []) this.#response.write(eventFrame(held));
    this.#held = undefined;
  }

  #writeEvent(message: JSONRPCMessage, last: boolean): void {
    if (this.#response.destroyed) return;
    if (last) this.#response.end(eventFrame(message));
    else this.#response.write(eventFrame(message));
  }

  #sendJson(body: JSONRPCMessage | JSONRPCMessage[]): void {
    if (this.#response.destroyed) return;
    const text = JSON.stringify(body);
    this.#response
      .writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'mcp-session-id': this.#sessionId,
      })
      .end(text);
  }
}
