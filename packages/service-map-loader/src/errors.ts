/**
 * What went wrong, as a stable string callers can branch on.
 *
 * - `invalid_options`: the call itself is wrong (no key, bad URL, bad number); fix the configuration.
 * - `network`: the map server could not be reached (DNS, refused, reset, TLS).
 * - `http`: the server answered with a status other than 200 (or 304 to a conditional request); 429 and 5xx carry
 *   `retryAfterMs` when the server sent `Retry-After`.
 * - `unauthorized`: the server answered 401 or 403; check the API key (`apiKey`, `CONNECTORS_API_KEY`).
 * - `redirect`: a redirect was not followed: `followRedirects` is off, it has no usable `Location`, or there were
 *   too many in a row.
 * - `unsafe_redirect`: `followRedirects` is on but the target is refused: another origin not in `redirectOrigins`,
 *   https to http, a scheme other than http/https, credentials in the target, or a private, link-local or
 *   (from a non-loopback host) loopback address.
 * - `timeout`: the whole exchange, body included, took longer than `timeoutMs`.
 * - `too_large`: the body is larger than `maxBytes`.
 * - `parse`: the body is not UTF-8 JSON: empty, truncated, a syntax error, or nested too deep.
 * - `ambiguous_json`: valid JSON that readers may read differently, so the signed and the parsed map could disagree:
 *   a duplicate member name, a number that is not exactly representable, or an unpaired UTF-16 surrogate. The
 *   message names the JSON path.
 * - `schema`: the JSON is not a service map (the message names the field paths).
 * - `too_many_connectors`: the map lists more connectors than `maxConnectors`.
 * - `signature`: the signature matches none of the configured keys.
 * - `stale_replay`: the map is older than `notBefore` (a rollback or a replayed map).
 * - `future`: the map's `generatedAt` is further ahead of the clock than `maxFutureSkewMs`.
 * - `file`: a `file:` URL could not be read.
 * - `aborted`: the caller's `signal` aborted the load.
 */
export type ServiceMapErrorCode =
  | 'invalid_options'
  | 'network'
  | 'http'
  | 'unauthorized'
  | 'redirect'
  | 'unsafe_redirect'
  | 'timeout'
  | 'too_large'
  | 'parse'
  | 'ambiguous_json'
  | 'schema'
  | 'too_many_connectors'
  | 'signature'
  | 'stale_replay'
  | 'future'
  | 'file'
  | 'aborted';

/** Extra facts attached to a {@link ServiceMapError}. */
export interface ServiceMapErrorDetails {
  /** The service-map URL without credentials, query string or fragment. */
  readonly url?: string | undefined;
  /** The HTTP status, for `http`, `unauthorized`, `redirect` and `unsafe_redirect` errors. */
  readonly status?: number | undefined;
  /** How long the server asked us to wait (from `Retry-After` on 429 and 5xx), in milliseconds. */
  readonly retryAfterMs?: number | undefined;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * The one error this package throws. Branch on `code`; show `message` to operators: it names the URL (never its
 * credentials or query string) and says what to fix. Keys and API keys never appear in it.
 */
export class ServiceMapError extends Error {
  override readonly name = 'ServiceMapError';
  /** What went wrong; see {@link ServiceMapErrorCode}. */
  readonly code: ServiceMapErrorCode;
  /** The service-map URL without credentials, query string or fragment; absent for helper-only errors. */
  readonly url: string | undefined;
  /** The HTTP status, for `http`, `unauthorized`, `redirect` and `unsafe_redirect` errors. */
  readonly status: number | undefined;
  /** From `Retry-After` on 429 and 5xx responses, in milliseconds (at most 24 hours). Wait this long to retry. */
  readonly retryAfterMs: number | undefined;

  constructor(code: ServiceMapErrorCode, message: string, details: ServiceMapErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.url = details.url;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Builds the message prefix every error shares, so each one names its map. */
export function describeMap(url: string | undefined): string {
  return url === undefined ? 'Service map' : `Service map ${url}`;
}
