import type { ManagerTimers } from './timers.js';

/**
 * Resolves when `promise` settles, `ms` pass, or `signal` aborts — whichever comes first — and leaves no timer or
 * listener behind. Never rejects: the caller re-checks the state it waited for.
 */
export function settleWithin(
  promise: Promise<unknown>,
  ms: number,
  signal: AbortSignal | undefined,
  timers: ManagerTimers,
): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    let handle: unknown;
    const done = () => {
      timers.clearTimeout(handle);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    handle = timers.setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
    promise.then(done, done);
  });
}
