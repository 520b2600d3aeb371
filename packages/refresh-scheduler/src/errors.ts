/**
 * Stable codes for {@link RefreshSchedulerError}; branch on these, not on messages.
 *
 * - `invalid_interval`: `intervalMs` is not a finite number > 0, or `intervalMs × (1 + jitterFactor)` exceeds
 *   2^31−1 ms (the longest delay Node's `setTimeout` honours).
 * - `invalid_jitter`: `jitterFactor` is not a finite number with 0 ≤ jitterFactor < 1.
 * - `invalid_option`: another option has the wrong type (`onRefresh`, `logger`, `clock`, `random`, `timers`, …).
 * - `stopped`: `forceRefresh()` was called after `stop()` (and before the next `start()`); also the abort reason
 *   of the signal handed to a run that was in flight when `stop()` was called.
 */
export type RefreshSchedulerErrorCode = 'invalid_interval' | 'invalid_jitter' | 'invalid_option' | 'stopped';

/**
 * The one error class this package throws. `code` is stable; `message` says what happened and what to do;
 * `cause` carries the underlying error when there is one.
 *
 * Errors thrown by your own `onRefresh` are never wrapped: `forceRefresh()` rejects with them unchanged.
 */
export class RefreshSchedulerError extends Error {
  /** Stable machine-readable reason; see {@link RefreshSchedulerErrorCode}. */
  readonly code: RefreshSchedulerErrorCode;

  constructor(code: RefreshSchedulerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RefreshSchedulerError';
    this.code = code;
  }
}
