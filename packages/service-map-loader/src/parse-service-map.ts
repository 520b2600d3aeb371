import type { z } from 'zod';
import { describeMap, ServiceMapError } from './errors.js';
import { formatJsonPath } from './json-path.js';
import { type ResolvedVerifyOptions, resolveVerifyOptions, type VerifyServiceMapOptions } from './options.js';
import { parseJsonStrictly } from './parse-json.js';
import { type ServiceMapPayload, serviceMapPayloadSchema } from './schema.js';
import { verifyServiceMapSignature } from './signature.js';
import { redactUrl } from './url.js';

/** A map that passed every check. */
export interface VerifiedServiceMap {
  /** The validated map, unknown members included. */
  readonly payload: ServiceMapPayload;
  /** The JSON text the map was parsed from; store it to re-verify later. */
  readonly text: string;
  /** `Date.parse(payload.generatedAt)`. Pass the newest one you accepted as `notBefore` next time. */
  readonly generatedAtMs: number;
  /** `generatedAtMs + ttlSeconds * 1000`: the end of the lifetime the producer signed. */
  readonly expiresAtMs: number;
  /**
   * True when `clock()` had reached `expiresAtMs` at verification. An expired map is still returned (it verified,
   * and it beats no map), but use it only as stale: never report or cache it as fresh.
   */
  readonly expired: boolean;
}

const MAX_LISTED_ISSUES = 3;

function formatIssue(issue: z.core.$ZodIssue): string {
  return `${formatJsonPath(issue.path)}: ${issue.message}`;
}

// Checked before the schema, so a map with 100 000 connectors costs one length check rather than a full validation.
function checkConnectorCount(raw: unknown, options: ResolvedVerifyOptions): void {
  const connectors = (raw as { connectors?: unknown } | null)?.connectors;
  if (!Array.isArray(connectors) || connectors.length <= options.maxConnectors) return;
  throw new ServiceMapError(
    'too_many_connectors',
    `${describeMap(options.displayUrl)}: the map lists ${connectors.length} connectors, more than maxConnectors ` +
      `(${options.maxConnectors}). If the map really is that big, raise maxConnectors; otherwise check the map's producer.`,
    { url: options.displayUrl },
  );
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

function checkGeneratedAt(
  generatedAt: string,
  generatedAtMs: number,
  nowMs: number,
  options: ResolvedVerifyOptions,
): void {
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
  const raw = parseJsonStrictly(text, options.displayUrl);
  checkConnectorCount(raw, options);
  // Validation comes first so a missing signature reads as a schema error; the signature is then checked over
  // `raw` (the object as received), never over the schema's output.
  const payload = validate(raw, options.displayUrl);
  checkSignature(raw as object, options);
  const generatedAtMs = Date.parse(payload.generatedAt);
  const nowMs = options.clock();
  checkGeneratedAt(payload.generatedAt, generatedAtMs, nowMs, options);
  const expiresAtMs = generatedAtMs + payload.ttlSeconds * 1000;
  return { payload, text, generatedAtMs, expiresAtMs, expired: nowMs >= expiresAtMs };
}

/**
 * Runs the checks of {@link loadConnectorServiceMap} on map text you already hold (e.g. from a shared cache):
 * parse strict JSON (a byte order mark is refused: issue 6 lists it among the inputs to reject), cap the connector count, validate the schema, verify the signature
 * against any key, reject rollbacks and far-future maps, and flag an expired map (`expired`).
 *
 * @throws {ServiceMapError} `invalid_options`, `parse`, `ambiguous_json`, `too_many_connectors`, `schema`,
 *   `signature`, `stale_replay` or `future`.
 */
export function parseServiceMap(text: string, options: VerifyServiceMapOptions): VerifiedServiceMap {
  const displayUrl = options.serviceMapUrl === undefined ? undefined : redactUrl(options.serviceMapUrl);
  return verifyServiceMapText(text, resolveVerifyOptions(options, displayUrl));
}
