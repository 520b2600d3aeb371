import type { ServiceMapTimers } from './options.js';

/** One abort signal for a whole exchange: fires on the timeout or when the caller aborts. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** True once the timeout has fired. */
  readonly timedOut: boolean;
  /** True once the caller's signal has aborted (and the timeout had not fired first). */
  readonly cancelled: boolean;
  /** Aborts the exchange, releasing sockets and file handles still held. */
  abort(): void;
  /** Clears the timer and detaches from the caller's signal. Call once the exchange is over. */
  release(): void;
}

/** Starts the clock on an exchange of at most `timeoutMs`, linked to the caller's `signal`. */
export function startDeadline(
  timeoutMs: number,
  timers: ServiceMapTimers,
  callerSignal?: AbortSignal,
): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = timers.setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    get cancelled() {
      return !timedOut && callerSignal?.aborted === true;
    },
    abort: () => controller.abort(),
    release: () => {
      timers.clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}
