import { setImmediate as nextEventLoopTurn } from 'node:timers/promises';
import { type Dispatcher, fetch, Headers, type Response } from 'undici';
import { describeMap, ServiceMapError } from './errors.js';
import { statusError } from './http-status.js';
import { readBounded, tooLargeError } from './read-bounded.js';
import { checkRedirect } from './redirect-policy.js';
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
  readonly trustedOrigins: ReadonlySet<string>;
  readonly signal: AbortSignal;
  readonly clock: () => number;
}

// The statuses fetch follows; 300, 304 and 305 are not redirects to follow.
const FOLLOWED_STATUSES = new Set([301, 302, 303, 307, 308]);
// Like fetch and undici, never hand credentials to another origin.
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

function headersFor(target: URL, request: HttpRequest): Headers {
  if (target.origin === request.url.origin) return request.headers;
  const headers = new Headers(request.headers);
  for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  return headers;
}

/**
 * Fetches the map through the dispatcher and reads its body within `maxBytes`. Redirects are followed here, hop by
 * hop, so each target is checked before anything is sent to it.
 */
export async function fetchOverHttp(request: HttpRequest): Promise<FetchOutcome> {
  let url = request.url;
  let secure = url.protocol === 'https:';
  for (let followed = 0; ; followed += 1) {
    const response = await fetch(url, {
      method: 'GET',
      headers: headersFor(url, request),
      redirect: 'manual',
      signal: request.signal,
      dispatcher: request.dispatcher,
    });
    if (!FOLLOWED_STATUSES.has(response.status)) return readResponse(response, url, request);
    await discardBody(response);
    const location = response.headers.get('location');
    if (!request.followRedirects) throw redirectNotFollowed(response.status, location, url, request);
    url = checkRedirect(location, {
      original: request.url,
      from: url,
      secure,
      followed,
      trustedOrigins: request.trustedOrigins,
      displayUrl: request.displayUrl,
      status: response.status,
    });
    secure ||= url.protocol === 'https:';
  }
}

async function readResponse(response: Response, url: URL, request: HttpRequest): Promise<FetchOutcome> {
  if (response.status === 304 && request.etag !== undefined) {
    await discardBody(response);
    await handBackConnection();
    return { kind: 'not_modified', etag: response.headers.get('etag') ?? request.etag };
  }
  if (response.status !== 200) {
    await discardBody(response);
    throw nonMapStatus(response, url, request);
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

function redirectNotFollowed(
  status: number,
  location: string | null,
  from: URL,
  request: HttpRequest,
): ServiceMapError {
  const target = location === null ? 'no Location' : redactUrl(location, from);
  return new ServiceMapError(
    'redirect',
    `${describeMap(request.displayUrl)}: HTTP ${status} redirects to ${target}. ` +
      'Point serviceMapUrl at the final URL, or set followRedirects: true.',
    { url: request.displayUrl, status },
  );
}

function nonMapStatus(response: Response, url: URL, request: HttpRequest): ServiceMapError {
  const sameOrigin = url.origin === request.url.origin;
  if (response.status >= 300 && response.status < 400 && response.status !== 304) {
    return new ServiceMapError(
      'redirect',
      `${describeMap(request.displayUrl)}: HTTP ${response.status} is not a redirect the loader follows. ` +
        'Point serviceMapUrl at the map itself.',
      { url: request.displayUrl, status: response.status },
    );
  }
  return statusError(response, {
    displayUrl: request.displayUrl,
    answeredBy: url,
    apiKeySent: request.apiKeySent && sameOrigin,
    sameOrigin,
    nowMs: request.clock(),
  });
}
