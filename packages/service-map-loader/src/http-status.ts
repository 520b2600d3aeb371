import type { Response } from 'undici';
import { describeMap, ServiceMapError } from './errors.js';
import { redactUrl } from './url.js';

/** Longest back-off taken from `Retry-After`: a broken or hostile server cannot stop refreshes for days. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

// RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms recipients must still read.
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC_850_DATE = /^[A-Z][a-z]{5,8}, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Reads `Retry-After` (delay-seconds or an HTTP-date) as milliseconds from `nowMs`, at most
 * {@link MAX_RETRY_AFTER_MS}; a date in the past is 0. Anything else (a fraction, a negative number, free text) is
 * ignored rather than guessed at.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  const text = value?.trim();
  if (text === undefined || text === '') return undefined;
  let delayMs: number;
  if (/^\d+$/.test(text)) delayMs = Number(text) * 1000;
  else if (IMF_FIXDATE.test(text) || RFC_850_DATE.test(text)) delayMs = Date.parse(text) - nowMs;
  // asctime carries no zone; HTTP dates are always GMT.
  else if (ASCTIME_DATE.test(text)) delayMs = Date.parse(`${text} GMT`) - nowMs;
  else return undefined;
  if (Number.isNaN(delayMs)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, delayMs));
}

/** What the status error needs to know about the request that got the response. */
export interface StatusContext {
  readonly displayUrl: string;
  /** The URL that answered (after any redirects). */
  readonly answeredBy: URL;
  /** Whether the API key went with this request (it never goes to another origin). */
  readonly apiKeySent: boolean;
  /** Whether the request that got the response went to the original origin. */
  readonly sameOrigin: boolean;
  readonly nowMs: number;
}

function credentialsHint(context: StatusContext): string {
  if (!context.sameOrigin) {
    return (
      `The redirect target ${redactUrl(context.answeredBy)} asks for credentials, which are never forwarded to ` +
      'another origin: point serviceMapUrl at it directly.'
    );
  }
  return context.apiKeySent
    ? 'The server refused the API key: check the API key (apiKey, CONNECTORS_API_KEY).'
    : 'No API key was sent: set the API key (apiKey, CONNECTORS_API_KEY).';
}

function statusHint(status: number, retryAfterMs: number | undefined): string {
  const wait = retryAfterMs === undefined ? '' : ` The server asks to retry after ${retryAfterMs} ms.`;
  if (status === 404 || status === 410) return 'Check serviceMapUrl.';
  if (status === 429) return `Too many requests: refresh less often.${wait}`;
  if (status >= 500) return `The map server failed; retry later (the last good map keeps serving).${wait}`;
  if (status === 304)
    return 'The server answered 304 to a request without an ETag; check the server or proxy.';
  if (status >= 400) return 'Check serviceMapUrl and the request headers.';
  return 'Expected 200 with the map as its body; check the server.';
}

/**
 * The error for a final status other than 200 (redirects are handled before): `unauthorized` for 401/403, `http`
 * otherwise, with `retryAfterMs` on 429 and 5xx when the server sent `Retry-After`.
 */
export function statusError(response: Response, context: StatusContext): ServiceMapError {
  const { status } = response;
  const where = context.sameOrigin ? '' : ` (from ${redactUrl(context.answeredBy)})`;
  const what = `${describeMap(context.displayUrl)}: HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}${where}`;
  if (status === 401 || status === 403) {
    return new ServiceMapError('unauthorized', `${what}. ${credentialsHint(context)}`, {
      url: context.displayUrl,
      status,
    });
  }
  const retryAfterMs =
    status === 429 || (status >= 500 && status < 600)
      ? parseRetryAfter(response.headers.get('retry-after'), context.nowMs)
      : undefined;
  return new ServiceMapError('http', `${what}. ${statusHint(status, retryAfterMs)}`, {
    url: context.displayUrl,
    status,
    retryAfterMs,
  });
}
