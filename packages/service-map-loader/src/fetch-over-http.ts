import { setImmediate as nextEventLoopTurn } from 'node:timers/promises';
import { type Dispatcher, fetch, type Headers, type Response } from 'undici';
import { describeMap, ServiceMapError } from './errors.js';
import { readBounded, tooLargeError } from './read-bounded.js';
import { redactUrl } from './url.js';

/** What one exchange produced (HTTP, or a file read as a plain body). */
export type FetchOutcome =
  | { readonly kind: 'body'; readonly bytes: Uint8Array; readonly etag: string | undefined }
  | { readonly kind: 'not_modified'; readonly etag: string };

/** Everything the HTTP exchange needs, already checked. */
export interface HttpRequest {
  readonly url: URL;
  readonly displayUrl: string;
  readonly dispatcher: Dispatcher | undefined;
  readonly headers: Headers;
  readonly apiKeySent: boolean;
  readonly etag: string | undefined;
  readonly maxBytes: number;
  readonly followRedirects: boolean;
  readonly signal: AbortSignal;
  readonly clock: () => number;
}

/** Fetches the map through the dispatcher and reads its body within `maxBytes`. */
export async function fetchOverHttp(request: HttpRequest): Promise<FetchOutcome> {
  const response = await fetch(request.url, {
    method: 'GET',
    headers: request.headers,
    redirect: request.followRedirects ? 'follow' : 'manual',
    signal: request.signal,
    dispatcher: request.dispatcher,
  });
  if (response.status === 304 && request.etag !== undefined) {
    await discardBody(response);
    await handBackConnection();
    return { kind: 'not_modified', etag: response.headers.get('etag') ?? request.etag };
  }
  if (response.status !== 200) {
    await discardBody(response);
    throw statusError(response, request);
  }
  checkContentLength(response, request);
  const bytes =
    response.body === null
      ? new Uint8Array()
      : await readBounded(response.body, request.maxBytes, request.displayUrl);
  await handBackConnection();
  return { kind: 'body', bytes, etag: response.headers.get('etag') ?? undefined };
}

// With pipelining 1, undici hands a kept-alive socket back to its pool only after a full event-loop turn
// (client-h1 `setImmediate(client[kResume])`). Waiting that turn before returning lets the caller's next load
// reuse the connection instead of opening a second one.
function handBackConnection(): Promise<void> {
  return nextEventLoopTurn();
}

async function discardBody(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

// Only an unencoded Content-Length measures what we would count; a compressed one says little about the
// decoded size, which the streaming count still bounds.
function checkContentLength(response: Response, request: HttpRequest): void {
  const encoding = response.headers.get('content-encoding');
  if (encoding !== null && encoding.toLowerCase() !== 'identity') return;
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > request.maxBytes) {
    throw tooLargeError(request.displayUrl, request.maxBytes, declared);
  }
}

function statusError(response: Response, request: HttpRequest): ServiceMapError {
  const { status } = response;
  const what = `${describeMap(request.displayUrl)}: HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (status >= 300 && status < 400 && status !== 304) {
    const location = response.headers.get('location');
    const target = location === null ? 'no Location' : redactUrl(location, request.url);
    return new ServiceMapError(
      'redirect',
      `${what} redirects to ${target}. Point serviceMapUrl at the final URL, or set followRedirects: true.`,
      { url: request.displayUrl, status },
    );
  }
  const retryAfterMs =
    status === 429 || status === 503 ? parseRetryAfter(response, request.clock) : undefined;
  return new ServiceMapError('http', `${what}. ${statusHint(status, request.apiKeySent, retryAfterMs)}`, {
    url: request.displayUrl,
    status,
    retryAfterMs,
  });
}

function statusHint(status: number, apiKeySent: boolean, retryAfterMs: number | undefined): string {
  const wait = retryAfterMs === undefined ? '' : ` The server asks to retry after ${retryAfterMs} ms.`;
  if (status === 401 || status === 403) {
    return apiKeySent
      ? 'The server refused the API key: check CONNECTORS_API_KEY (apiKey).'
      : 'No API key was sent: set apiKey (CONNECTORS_API_KEY).';
  }
  if (status === 404 || status === 410) return 'Check serviceMapUrl.';
  if (status === 429) return `Too many requests: refresh less often.${wait}`;
  if (status >= 500) return `The map server failed; retry later (the last good map keeps serving).${wait}`;
  if (status === 304)
    return 'The server answered 304 to a request without an ETag; check the server or proxy.';
  if (status >= 400) return 'Check serviceMapUrl and the request headers.';
  return 'Expected 200 with the map as its body; check the server.';
}

function parseRetryAfter(response: Response, clock: () => number): number | undefined {
  const value = response.headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const dateMs = Date.parse(value);
  return Number.isNaN(dateMs) ? undefined : Math.max(0, dateMs - clock());
}
