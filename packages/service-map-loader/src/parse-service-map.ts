import type { z } from 'zod';
import { describeMap, ServiceMapError } from './errors.js';
import { type ResolvedVerifyOptions, resolveVerifyOptions, type VerifyServiceMapOptions } from './options.js';
import { type ServiceMapPayload, serviceMapPayloadSchema } from './schema.js';
import { verifyServiceMapSignature } from './signature.js';
import { redactUrl } from './url.js';

/** A map that passed every check. */
export interface VerifiedServiceMap {
  /** The validated map, unknown members included. */
  readonly payload: ServiceMapPayload;
  /** The JSON text the map was parsed from (a leading BOM removed); store it to re-verify later. */
  readonly text: string;
  /** `Date.parse(payload.generatedAt)`. Pass the newest one you accepted as `notBefore` next time. */
  readonly generatedAtMs: number;
  /** `generatedAtMs + ttlSeconds * 1000`. Expired maps are returned too: freshness is the cache's decision. */
  readonly expiresAtMs: number;
}

const MAX_LISTED_ISSUES = 3;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a body as UTF-8; a leading BOM is dropped, invalid UTF-8 is a `parse` error. */
export function decodeServiceMapBody(bytes: Uint8Array, displayUrl: string | undefined): string {
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new ServiceMapError(
      'parse',
      `${describeMap(displayUrl)}: the body is not valid UTF-8. Serve the map as UTF-8 JSON.`,
      { url: displayUrl, cause },
    );
  }
}

function parseJson(text: string, displayUrl: string | undefined): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const start = JSON.stringify(text.slice(0, 40));
    throw new ServiceMapError(
      'parse',
      `${describeMap(displayUrl)}: the body is not JSON (it starts with ${start}). ` +
        'Check that serviceMapUrl points at the service-map endpoint and not at a proxy or error page.',
      { url: displayUrl, cause },
    );
  }
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('');
  return `${path === '' ? '(root)' : path.replace(/^\./, '')}: ${issue.message}`;
}

function validate(raw: unknown, displayUrl: string | undefined): ServiceMapPayload {
  const result = serviceMapPayloadSchema.safeParse(raw);
  if (result.success) return result.data;
  const { issues } = result.error;
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map(formatIssue).join('; ');
  const more = issues.length > MAX_LISTED_ISSUES ? ` (and ${issues.length - MAX_LISTED_ISSUES} more)` : '';
  throw new ServiceMapError(
    'schema',
    `${describeMap(displayUrl)}: not a valid service map: ${listed}${more}. Fix the map's producer.`,
    { url: displayUrl, cause: result.error },
  );
}

function checkSignature(raw: object, options: ResolvedVerifyOptions): void {
  if (verifyServiceMapSignature(raw, options.keys)) return;
  const keyCount =
    options.keys.length === 1 ? 'the configured key' : `any of the ${options.keys.length} keys`;
  throw new ServiceMapError(
    'signature',
    `${describeMap(options.displayUrl)}: the signature does not match ${keyCount}. ` +
      "Check that CONNECTORS_SIGNATURE_KEY is the producer's key; during key rotation configure old and new keys.",
    { url: options.displayUrl },
  );
}

function checkGeneratedAt(generatedAt: string, generatedAtMs: number, options: ResolvedVerifyOptions): void {
  const { notBefore, displayUrl } = options;
  if (notBefore !== undefined && generatedAtMs < notBefore) {
    throw new ServiceMapError(
      'stale_replay',
      `${describeMap(displayUrl)}: generatedAt ${generatedAt} is older than the newest map already accepted ` +
        `(${new Date(notBefore).toISOString()}): a rollback or replayed map. Check the map server's deployment; ` +
        'the last good map keeps serving.',
      { url: displayUrl },
    );
  }
  const nowMs = options.clock();
  if (generatedAtMs - nowMs > options.maxFutureSkewMs) {
    throw new ServiceMapError(
      'future',
      `${describeMap(displayUrl)}: generatedAt ${generatedAt} is ${generatedAtMs - nowMs} ms ahead of this host's ` +
        `clock (allowed: ${options.maxFutureSkewMs} ms). Check the clocks of the producer and of this host.`,
      { url: displayUrl },
    );
  }
}

/** Parses, validates, verifies and dates `text` with already-resolved options. */
export function verifyServiceMapText(text: string, options: ResolvedVerifyOptions): VerifiedServiceMap {
  const raw = parseJson(text, options.displayUrl);
  // Validation comes first so a missing signature reads as a schema error; the signature is then checked over
  // `raw` (the object as received), never over the schema's output.
  const payload = validate(raw, options.displayUrl);
  checkSignature(raw as object, options);
  const generatedAtMs = Date.parse(payload.generatedAt);
  checkGeneratedAt(payload.generatedAt, generatedAtMs, options);
  return { payload, text, generatedAtMs, expiresAtMs: generatedAtMs + payload.ttlSeconds * 1000 };
}

/**
 * Runs the checks of {@link loadConnectorServiceMap} on map text you already hold (e.g. from a shared cache):
 * parse JSON, validate the schema, verify the signature against any key, reject rollbacks and far-future maps.
 *
 * @throws {ServiceMapError} `invalid_options`, `parse`, `schema`, `signature`, `stale_replay` or `future`.
 */
export function parseServiceMap(text: string, options: VerifyServiceMapOptions): VerifiedServiceMap {
  const displayUrl = options.serviceMapUrl === undefined ? undefined : redactUrl(options.serviceMapUrl);
  return verifyServiceMapText(text, resolveVerifyOptions(options, displayUrl));
}
