import { EventEmitter } from 'node:events';
import type { Dispatcher } from 'undici';

/** Redirect hops followed per request, as in the SDK's transports. */
const MAX_REDIRECTS = 5;

/**
 * A one-shot abort signal in the `EventEmitter` form undici's `request()` accepts. An `AbortController` with
 * undici's listener costs several microseconds per request on Node 20; this costs a fraction of one, and the
 * transport makes one per call.
 */
export class RequestAbort extends EventEmitter {
  /** True once {@link RequestAbort.abort} ran; undici checks it before it listens. */
  aborted = false;

  /** Aborts the request (undici destroys its socket, so the server sees it close). Idempotent. */
  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}

/**
 * Sends one request with `dispatcher.request()` and returns the response with its body unread. `options.origin`
 * and `options.path` must be those of `url`.
 *
 * Like the SDK's HTTP transports, it follows a redirect only within the endpoint's origin (so credentials are
 * never sent elsewhere), at most five hops, and only when the method survives it: 307 and 308 for every method,
 * 301/302/303 only for GET (they turn a POST into a GET, which no MCP endpoint wants). Any other redirect is
 * returned as it is, for the caller to report.
 */
export async function exchange(
  dispatcher: Dispatcher,
  url: URL,
  options: Dispatcher.RequestOptions,
): Promise<Dispatcher.ResponseData> {
  let target = url;
  let request = options;
  for (let hop = 0; ; hop++) {
    const response = await dispatcher.request(request);
    const next = hop < MAX_REDIRECTS ? redirectTarget(response, target, options.method) : undefined;
    if (!next) return response;
    await response.body.dump().catch(() => {});
    target = next;
    request = { ...options, origin: target.origin, path: `${target.pathname}${target.search}` };
  }
}

function redirectTarget(response: Dispatcher.ResponseData, from: URL, method: string): URL | undefined {
  const status = response.statusCode;
  if (status < 301 || status > 308 || status === 304 || status === 305 || status === 306) return undefined;
  if (status !== 307 && status !== 308 && method !== 'GET') return undefined;
  const location = response.headers.location;
  if (typeof location !== 'string') return undefined;
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    return undefined;
  }
  const addsUserinfo = target.username !== from.username || target.password !== from.password;
  return target.origin === from.origin && !addsUserinfo ? target : undefined;
}
