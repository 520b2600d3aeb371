import { StringDecoder } from 'node:string_decoder';

/** One dispatched server-sent event. */
export interface ServerSentEvent {
  /** The `event` field, or `message` when the event named none. */
  event: string;
  /** The `data` lines joined with `\n`. */
  data: string;
  /** The last `id` seen on the stream so far (the SSE "last event ID"), or undefined. */
  id: string | undefined;
}

const LF = 10;
const COLON = 58;
const SPACE = 32;

/**
 * An incremental parser for `text/event-stream` bodies, as the HTML standard's "interpreting an event stream"
 * section describes it: lines end in LF, CR or CRLF (a CRLF may be split across chunks), `data` lines are joined
 * with LF, lines starting with `:` are comments, a blank line dispatches the event, and an event without data is
 * not dispatched. A trailing event that never got its blank line is dropped when the stream ends, as the
 * standard says.
 *
 * Feed it the raw body chunks (undici's body ignores `setEncoding`) or text. A chunk that ends inside a UTF-8
 * character switches the parser to a streaming decoder, so the character is never torn; the usual chunk ends in a
 * line break and is decoded directly. The parser works on index ranges of each chunk and copies only field
 * values, because it runs once per answer on the proxy's hot path.
 */
export class SseParser {
  #decoder: StringDecoder | undefined;
  #pending = '';
  #skipLeadingLf = false;
  #started = false;
  #data = '';
  #hasData = false;
  #eventType = '';
  #lastEventId: string | undefined;
  readonly #onEvent: (event: ServerSentEvent) => void;
  readonly #onRetry: ((delayMs: number) => void) | undefined;

  /**
   * @param onEvent - receives each dispatched event, in stream order.
   * @param onRetry - receives each valid `retry` field, in ms.
   */
  constructor(onEvent: (event: ServerSentEvent) => void, onRetry?: (delayMs: number) => void) {
    this.#onEvent = onEvent;
    this.#onRetry = onRetry;
  }

  /**
   * The last `id` field seen so far, even on an event that carried no data and was not dispatched (the cursor a
   * client resumes the stream from), or undefined when the stream gave none.
   */
  get lastEventId(): string | undefined {
    return this.#lastEventId;
  }

  /** Parses the next piece of the stream, dispatching every event it completes. */
  push(piece: string | Buffer): void {
    const chunk = typeof piece === 'string' ? piece : this.#decode(piece);
    if (chunk.length === 0) return;
    let text = this.#pending.length > 0 ? this.#pending + chunk : chunk;
    let position = 0;
    if (!this.#started) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) position = 1;
    }
    if (this.#skipLeadingLf) {
      this.#skipLeadingLf = false;
      if (text.charCodeAt(position) === LF) position++;
    }
    // Most streams never contain a CR: look for one once, and again only after passing it.
    let cr = text.indexOf('\r', position);
    while (position < text.length) {
      const lf = text.indexOf('\n', position);
      if (cr !== -1 && cr < position) cr = text.indexOf('\r', position);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        next = cr + 1;
        if (next === text.length) this.#skipLeadingLf = true;
        else if (text.charCodeAt(next) === LF) next++;
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else {
        break;
      }
      this.#line(text, position, end);
      position = next;
    }
    text = position < text.length ? text.slice(position) : '';
    this.#pending = text;
  }

  #decode(bytes: Buffer): string {
    if (this.#decoder === undefined) {
      // A chunk whose last byte is ASCII ends on a character boundary.
      if (bytes.length === 0 || (bytes[bytes.length - 1] as number) < 0x80) return bytes.toString('utf8');
      this.#decoder = new StringDecoder('utf8');
    }
    return this.#decoder.write(bytes);
  }

  #line(text: string, start: number, end: number): void {
    if (start === end) {
      this.#dispatch();
      return;
    }
    if (text.charCodeAt(start) === COLON) return;
    let colon = text.indexOf(':', start);
    if (colon === -1 || colon > end) colon = end;
    const field = text.slice(start, colon);
    let valueStart = colon + 1;
    if (valueStart < end && text.charCodeAt(valueStart) === SPACE) valueStart++;
    const value = valueStart < end ? text.slice(valueStart, end) : '';
    switch (field) {
      case 'data':
        this.#data = this.#hasData ? `${this.#data}\n${value}` : value;
        this.#hasData = true;
        break;
      case 'event':
        this.#eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.#onRetry?.(Number(value));
        break;
      default:
      // Unknown fields are ignored, as the standard says.
    }
  }

  #dispatch(): void {
    const eventType = this.#eventType;
    this.#eventType = '';
    if (!this.#hasData) return;
    const data = this.#data;
    this.#data = '';
    this.#hasData = false;
    this.#onEvent({ event: eventType || 'message', data, id: this.#lastEventId });
  }
}
