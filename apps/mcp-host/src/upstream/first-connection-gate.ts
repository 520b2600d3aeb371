import { Dispatcher } from 'undici';
import { originOf } from './origin-key.js';

/**
 * Holds requests to an https origin whose first connection is still being made, and releases them once it is up
 * (or failed): by then the origin's protocol is known and they share that connection when it is HTTP/2.
 *
 * Requests to an HTTP/2 origin are marked idempotent: undici otherwise sends a POST on an h2 connection only when
 * no other request is in flight there (so that a failing stream cannot take others down with it), which would
 * serialise every tool call. Nothing here retries requests, so the mark only lets them share the connection.
 */
export class FirstConnectionGate extends Dispatcher {
  readonly #target: Dispatcher;
  readonly #known: ReadonlySet<string>;
  readonly #h2: ReadonlySet<string>;
  readonly #waiting = new Map<string, Array<() => void>>();

  constructor(target: Dispatcher, known: ReadonlySet<string>, h2: ReadonlySet<string>) {
    super();
    this.#target = target;
    this.#known = known;
    this.#h2 = h2;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    // Plain-http origins (most requests on loopback) skip the URL parse: only https origins can speak h2.
    if (options.origin === undefined || !String(options.origin).startsWith('https:')) {
      return this.#target.dispatch(options, handler);
    }
    const origin = originOf(options) as string;
    if (this.#known.has(origin)) return this.#send(origin, options, handler);
    const waiting = this.#waiting.get(origin);
    if (waiting === undefined) {
      // The first request opens the connection; the others wait for it.
      this.#waiting.set(origin, []);
      return this.#target.dispatch(options, handler);
    }
    waiting.push(() => this.#send(origin, options, handler));
    return true;
  }

  #send(origin: string, options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (!this.#h2.has(origin)) return this.#target.dispatch(options, handler);
    const { body } = options;
    if (!isStreamedBody(body)) return this.#target.dispatch({ ...options, idempotent: true }, handler);
    // undici also holds back a request whose body is a stream while another request is in flight on its h2
    // connection — and `fetch` always streams its body. Behind a long-lived event stream on that connection such
    // a POST would wait forever, so its (small, JSON-RPC) body is read into memory first.
    readAll(body).then(
      (bytes) => this.#target.dispatch({ ...options, body: bytes, idempotent: true }, handler),
      (error: unknown) => failRequest(handler, error),
    );
    return true;
  }

  /** Sends every request held for `origin`. */
  release(origin: string): void {
    const waiting = this.#waiting.get(origin);
    if (waiting === undefined) return;
    this.#waiting.delete(origin);
    for (const send of waiting) send();
  }

  /** Sends every held request (on close: they fail or finish with the pool instead of hanging). */
  releaseAll(): void {
    for (const origin of [...this.#waiting.keys()]) this.release(origin);
  }

  override close(): Promise<void> {
    return this.#target.close();
  }

  override destroy(): Promise<void> {
    return this.#target.destroy();
  }
}

function isStreamedBody(body: unknown): body is AsyncIterable<Uint8Array | string> {
  if (body === null || body === undefined || typeof body === 'string' || body instanceof Uint8Array)
    return false;
  return typeof (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';
}

/** Reports a request that never reached the pool to its handler (undici's current or legacy handler API). */
function failRequest(handler: Dispatcher.DispatchHandler, error: unknown): void {
  const reason = error instanceof Error ? error : new Error(String(error));
  const legacy = handler as { onError?: (error: Error) => void };
  if (handler.onResponseError) handler.onResponseError(undefined as never, reason);
  else legacy.onError?.(reason);
}

async function readAll(body: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
