/** Reconnect backoff: exponential growth from `initialDelayMs` by `factor`, capped at `maxDelayMs`. */
export interface ReconnectOptions {
  /** Delay cap of the first retry, in ms (default 500). */
  initialDelayMs?: number;
  /** Upper bound of any delay, in ms (default 30 000). */
  maxDelayMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
}

/** The defaults behind {@link ReconnectOptions}. */
export const DEFAULT_RECONNECT: Required<ReconnectOptions> = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
};

/**
 * The delay before reconnect attempt `attempt` (0 for the first), with full jitter:
 * `random() * min(maxDelayMs, initialDelayMs * factor ** attempt)`.
 *
 * Full jitter spreads many connectors that lost the same upstream at the same moment across the whole window,
 * so they do not reconnect in lockstep.
 */
export function backoffDelayMs(
  attempt: number,
  options: Required<ReconnectOptions>,
  random: () => number,
): number {
  const ceilingMs = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** attempt);
  return Math.floor(random() * ceilingMs);
}

/** Timer functions, injectable so tests can drive reconnects and timeouts. */
export interface ProxyTimers {
  /** Like `globalThis.setTimeout`. */
  setTimeout(callback: () => void, delayMs: number): unknown;
  /** Like `globalThis.clearTimeout`. */
  clearTimeout(handle: unknown): void;
}

/** The global timers: the default wherever {@link ProxyTimers} can be injected. */
export const GLOBAL_TIMERS: ProxyTimers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** At most one pending reconnect, with the delay growing per attempt until {@link ReconnectSchedule.reset}. */
export class ReconnectSchedule {
  #attempt = 0;
  #timer: unknown;
  readonly #options: Required<ReconnectOptions>;
  readonly #random: () => number;
  readonly #timers: ProxyTimers;

  constructor(options: Required<ReconnectOptions>, random: () => number, timers: ProxyTimers) {
    this.#options = options;
    this.#random = random;
    this.#timers = timers;
  }

  /** Runs `attempt` after the next backoff delay, unless a run is already pending. */
  schedule(attempt: () => void): void {
    if (this.#timer !== undefined) return;
    const delayMs = backoffDelayMs(this.#attempt, this.#options, this.#random);
    this.#attempt++;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      attempt();
    }, delayMs);
  }

  /** Drops the pending run, if any. */
  cancel(): void {
    if (this.#timer === undefined) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Starts the delays over (after a successful connect). */
  reset(): void {
    this.#attempt = 0;
  }
}
