import type { ManifestCacheErrorSummary } from './types.js';

/**
 * Codes of {@link ManifestCacheError}. Branch on these, not on messages.
 *
 * - `invalid_ttl`: a lifetime given to `set()` or returned by a loader is unusable (negative, NaN or non-number
 *   `ttlMs`; NaN, `-Infinity` or non-number `expiresAtMs`; neither or both given).
 * - `invalid_load_result`: a loader resolved with something other than an object with a `value` member.
 */
export type ManifestCacheErrorCode = 'invalid_ttl' | 'invalid_load_result';

/**
 * The one error class of this package. A loader's own errors are never wrapped: callers get them unchanged.
 */
export class ManifestCacheError extends Error {
  override readonly name = 'ManifestCacheError';

  /** Stable code to branch on. */
  readonly code: ManifestCacheErrorCode;

  /**
   * @param code - what went wrong, see {@link ManifestCacheErrorCode}
   * @param message - what happened and what to do about it
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: ManifestCacheErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** `typeof`, with `null` and arrays told apart. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A JSON-friendly summary of anything a loader may throw. */
export function summarizeError(error: unknown): ManifestCacheErrorSummary {
  if (error instanceof Error) {
    const code: unknown = (error as { code?: unknown }).code;
    return typeof code === 'string'
      ? { name: error.name, message: error.message, code }
      : { name: error.name, message: error.message };
  }
  const message =
    typeof error === 'string' ? error : `a non-Error value of type ${describeType(error)} was thrown`;
  return { name: 'NonError', message };
}
