/**
 * Codes of {@link ManifestCacheRedisError}. Branch on these, not on messages.
 *
 * - `invalid_options`: an option is missing or unusable (thrown by the constructor).
 * - `redis_unavailable`: Redis did not answer within the configured timeouts (down, unreachable, paused, or the
 *   store is not connected yet). The map cache never surfaces it: it falls back to its own loads.
 * - `redis_error`: Redis answered with an error (e.g. `WRONGTYPE` because a key was overwritten by hand).
 * - `lease_lost`: a write carried a fencing token that no longer holds the refresh lease (it expired, or another
 *   host took over). The write was refused; the value written by the current holder wins.
 * - `generated_at_regressed`: a write was refused because its `generatedAt` is older than the one stored
 *   (no rollback through a slow host), or a value older than the one held was offered.
 * - `verification_failed`: a value read from Redis was rejected by the `verify` callback (or does not match its own
 *   metadata). It was not used; the last good value stays.
 * - `leader_failed`: the host holding the lease failed to refresh, so this host kept its (stale) value.
 * - `leader_timeout`: no value arrived from the lease holder within `followerWaitMs`.
 * - `closed`: the store was closed; Redis operations are no longer possible.
 */
export type ManifestCacheRedisErrorCode =
  | 'invalid_options'
  | 'redis_unavailable'
  | 'redis_error'
  | 'lease_lost'
  | 'generated_at_regressed'
  | 'verification_failed'
  | 'leader_failed'
  | 'leader_timeout'
  | 'closed';

/** The one error class of this package. The `verify` callback's and loader's own errors travel as `cause`. */
export class ManifestCacheRedisError extends Error {
  override readonly name = 'ManifestCacheRedisError';

  /** Stable code to branch on. */
  readonly code: ManifestCacheRedisErrorCode;

  /**
   * @param code - what went wrong, see {@link ManifestCacheRedisErrorCode}
   * @param message - what happened and what to do about it
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: ManifestCacheRedisErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Whether `error` is a {@link ManifestCacheRedisError} with one of `codes`. */
export function hasCode(error: unknown, ...codes: ManifestCacheRedisErrorCode[]): boolean {
  return error instanceof ManifestCacheRedisError && codes.includes(error.code);
}

/** A short, secret-free description of anything thrown (for messages and health). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : `a non-Error value (${typeof error})`;
}

/** Server replies (`WRONGTYPE`, script errors) mean Redis is up; everything else means it did not answer. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

/**
 * Wraps a failure of a Redis command into `redis_error` (Redis answered with an error) or `redis_unavailable`
 * (no answer: connection refused or closed, timeout, offline).
 *
 * @param what - the operation, for the message (`'reading the shared map'`)
 */
export function wrapRedisFailure(error: unknown, what: string): ManifestCacheRedisError {
  if (error instanceof ManifestCacheRedisError) return error;
  if (isReplyError(error)) {
    return new ManifestCacheRedisError(
      'redis_error',
      `Redis refused ${what}: ${describeError(error)}. Check that nothing else writes under this key prefix.`,
      { cause: error },
    );
  }
  return new ManifestCacheRedisError(
    'redis_unavailable',
    `Redis did not answer ${what}: ${describeError(error)}. Serving from memory until it is back.`,
    { cause: error },
  );
}
