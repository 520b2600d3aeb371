import { describeType, ManifestCacheError } from './errors.js';

const LIFETIME_HINT =
  'Pass exactly one of { ttlMs } (a number >= 0, or Infinity to never expire) or { expiresAtMs } (finite epoch ms, ' +
  'or Infinity to never expire); ttlMs 0 or a past expiresAtMs stores the value stale at once.';

/**
 * Turns a lifetime into an absolute expiry (epoch ms, possibly Infinity), or throws `invalid_ttl`.
 * Takes `unknown` because loader results and plain-JS callers are not type-checked.
 *
 * @param source - who supplied the lifetime, for the message (`'set()'`, `'loader result'`)
 */
export function resolveExpiresAtMs(lifetime: unknown, nowMs: number, source: string): number {
  if (typeof lifetime !== 'object' || lifetime === null) {
    throw invalidTtl(`${source} has no lifetime (got ${describeType(lifetime)}).`);
  }
  const { ttlMs, expiresAtMs } = lifetime as { ttlMs?: unknown; expiresAtMs?: unknown };
  if ((ttlMs === undefined) === (expiresAtMs === undefined)) {
    const given = ttlMs === undefined ? 'neither ttlMs nor expiresAtMs' : 'both ttlMs and expiresAtMs';
    throw invalidTtl(`${source} gave ${given}.`);
  }
  if (ttlMs !== undefined) {
    if (typeof ttlMs !== 'number' || Number.isNaN(ttlMs) || ttlMs < 0) {
      throw invalidTtl(`${source} gave ttlMs ${describeValue(ttlMs)}.`);
    }
    return nowMs + ttlMs;
  }
  // -Infinity is rejected rather than read as "long past": no real clock computes it, so it signals a bug.
  if (typeof expiresAtMs !== 'number' || Number.isNaN(expiresAtMs) || expiresAtMs === -Infinity) {
    throw invalidTtl(`${source} gave expiresAtMs ${describeValue(expiresAtMs)}.`);
  }
  return expiresAtMs;
}

function invalidTtl(what: string): ManifestCacheError {
  return new ManifestCacheError('invalid_ttl', `Invalid cache lifetime: ${what} ${LIFETIME_HINT}`);
}

/** Numbers and short strings are shown as-is (NaN, -1, "300"); anything else only by type, never its contents. */
function describeValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string' && value.length <= 40) return `${JSON.stringify(value)} (a string)`;
  return `of type ${describeType(value)}`;
}

/**
 * Checks what a loader resolved with and turns its lifetime into an absolute expiry.
 * Throws `invalid_load_result` or `invalid_ttl`; the value itself is never inspected or echoed.
 */
export function parseLoadResult<T>(result: unknown, nowMs: number): { value: T; expiresAtMs: number } {
  if (typeof result !== 'object' || result === null || !('value' in result)) {
    throw new ManifestCacheError(
      'invalid_load_result',
      `The loader resolved with ${describeType(result)} instead of { value, ttlMs } or { value, expiresAtMs }. ` +
        'Return the value together with its lifetime.',
    );
  }
  return { value: result.value as T, expiresAtMs: resolveExpiresAtMs(result, nowMs, 'the loader result') };
}
