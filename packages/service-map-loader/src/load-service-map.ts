import type { Deadline } from './deadline.js';
import { startDeadline } from './deadline.js';
import { decodeServiceMapBody } from './decode-body.js';
import { describeMap, ServiceMapError } from './errors.js';
import { type FetchOutcome, fetchOverHttp } from './fetch-over-http.js';
import { type LoadServiceMapOptions, type ResolvedLoadOptions, resolveLoadOptions } from './options.js';
import { type VerifiedServiceMap, verifyServiceMapText } from './parse-service-map.js';
import { readServiceMapFile } from './read-file.js';

/** A new map: it passed every check. */
export interface ServiceMapLoaded extends VerifiedServiceMap {
  readonly notModified: false;
  /** The response's ETag; pass it as `etag` next time. Absent for `file:` URLs. */
  readonly etag?: string | undefined;
}

/** The server answered 304 to `If-None-Match`: the map you hold is still current. No body was read. */
export interface ServiceMapNotModified {
  readonly notModified: true;
  /** The current ETag (the response's, or the one sent). */
  readonly etag: string;
}

/** What {@link loadConnectorServiceMap} resolves to; branch on `notModified`. */
export type ServiceMapLoadResult = ServiceMapLoaded | ServiceMapNotModified;

/**
 * Loads the signed connector service map: fetches it through `dispatcher` (or reads a `file:` URL) within
 * `timeoutMs` and `maxBytes` (following only safe redirects, and only when `followRedirects` is set), parses the
 * JSON strictly, caps the connector count, validates it, verifies the HMAC signature over the map as received
 * against any of the keys, rejects rollbacks (`notBefore`) and far-future maps, and computes
 * `expiresAtMs = generatedAt + ttlSeconds * 1000`. Expired maps are returned with `expired: true`, not rejected.
 *
 * @throws {ServiceMapError} with a `code` saying which stage failed.
 */
export async function loadConnectorServiceMap(options: LoadServiceMapOptions): Promise<ServiceMapLoadResult> {
  const resolved = resolveLoadOptions(options);
  const outcome = await exchange(resolved);
  if (outcome.kind === 'not_modified') return { notModified: true, etag: outcome.etag };
  const verified = verifyServiceMapText(decodeServiceMapBody(outcome.bytes, resolved.displayUrl), resolved);
  return { notModified: false, ...verified, ...(outcome.etag === undefined ? {} : { etag: outcome.etag }) };
}

async function exchange(options: ResolvedLoadOptions): Promise<FetchOutcome> {
  const deadline = startDeadline(options.timeoutMs, options.timers, options.signal);
  try {
    if (deadline.signal.aborted) throw deadline.signal.reason;
    const { filePath } = options.target;
    if (filePath !== undefined) {
      const bytes = await readServiceMapFile(filePath, options.displayUrl, options.maxBytes, deadline.signal);
      return { kind: 'body', bytes, etag: undefined };
    }
    return await fetchOverHttp({ ...options, url: options.target.url, signal: deadline.signal });
  } catch (error) {
    deadline.abort();
    throw classify(error, deadline, options);
  } finally {
    deadline.release();
  }
}

function classify(error: unknown, deadline: Deadline, options: ResolvedLoadOptions): ServiceMapError {
  const { displayUrl } = options;
  // The deadline's state decides first: an abort surfaces as whatever error the stream or fetch happened to raise.
  if (deadline.timedOut) {
    return new ServiceMapError(
      'timeout',
      `${describeMap(displayUrl)}: no complete answer within timeoutMs (${options.timeoutMs} ms). ` +
        'Check that the map server is up and responsive, or raise timeoutMs.',
      { url: displayUrl, cause: error },
    );
  }
  if (deadline.cancelled) {
    return new ServiceMapError('aborted', `${describeMap(displayUrl)}: the load was aborted by the caller.`, {
      url: displayUrl,
      cause: error,
    });
  }
  if (error instanceof ServiceMapError) return error;
  return networkError(error, displayUrl);
}

function networkError(error: unknown, displayUrl: string): ServiceMapError {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail =
    typeof cause?.code === 'string' ? cause.code : String(cause?.message ?? (error as Error).message);
  return new ServiceMapError(
    'network',
    `${describeMap(displayUrl)}: request failed (${detail}). ` +
      'Check serviceMapUrl, DNS, TLS and that the map server is running.',
    { url: displayUrl, cause: error },
  );
}
