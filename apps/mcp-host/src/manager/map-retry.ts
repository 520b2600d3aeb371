import type { Logger } from '../logger.js';
import type { ServiceMapSource } from './service-map-source.js';
import type { ManagerTimers } from './timers.js';

/** Options of {@link MapRetry}. */
export interface MapRetryOptions {
  /** First retry delay, in ms. */
  readonly baseDelayMs: number;
  /** Longest delay, in ms: the refresh interval (a retry never waits longer than the next timer refresh would). */
  readonly maxDelayMs: number;
  /** Each delay is drawn from delay × (1 ± jitterFactor). */
  readonly jitterFactor: number;
  readonly random: () => number;
  readonly timers: ManagerTimers;
  /** Runs the retry. */
  readonly onRetry: () => void;
}

/**
 * Retries a failed service-map load sooner than the next timer refresh while the host has no usable fresh map:
 * at start with nothing persisted (the host is not ready), or once the held map has expired. Delays double from
 * `baseDelayMs` up to `maxDelayMs`, jittered so a fleet that lost its map endpoint together does not come back in
 * step, and never shorter than the server's `Retry-After`. A success resets the backoff.
 */
export class MapRetry {
  readonly #options: MapRetryOptions;
  #attempt = 0;
  #timer: unknown;
  #dueAtMs: number | null = null;

  constructor(options: MapRetryOptions) {
    this.#options = options;
  }

  /** When the pending retry is due (epoch ms, per the caller's clock passed to `schedule`), or null. */
  get dueAtMs(): number | null {
    return this.#dueAtMs;
  }

  /** Failed attempts since the last success. */
  get attempt(): number {
    return this.#attempt;
  }

  /**
   * Schedules the next retry after a failure (replacing a pending one); returns its delay in ms.
   * @param nowMs the caller's clock, for `dueAtMs`.
   * @param retryAfterMs the server's `Retry-After`, when it sent one.
   */
  schedule(nowMs: number, retryAfterMs?: number): number {
    const { baseDelayMs, maxDelayMs, jitterFactor, random, timers, onRetry } = this.#options;
    this.cancel();
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** this.#attempt);
    const jittered = backoff * (1 - jitterFactor + 2 * jitterFactor * random());
    const delayMs = Math.round(Math.min(maxDelayMs, Math.max(jittered, retryAfterMs ?? 0)));
    this.#attempt += 1;
    this.#dueAtMs = nowMs + delayMs;
    this.#timer = timers.setTimeout(() => {
      this.#timer = undefined;
      this.#dueAtMs = null;
      onRetry();
    }, delayMs);
    return delayMs;
  }

  /** A load succeeded: the next failure starts again from `baseDelayMs`. */
  reset(): void {
    this.cancel();
    this.#attempt = 0;
  }

  /** Drops the pending retry, if any. */
  cancel(): void {
    if (this.#timer !== undefined) this.#options.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dueAtMs = null;
  }

  /**
   * After a sync's map load: with the load failed and no fresh map to serve, retries early with backoff (the timer
   * refresh may be minutes away); otherwise drops any pending retry. Tells `source` when the retry is due, for
   * `/status`.
   */
  planAfterLoad(source: ServiceMapSource, nowMs: number, logger: Pick<Logger, 'info'>): void {
    if (source.lastLoadFailed && !source.fresh) {
      const delayMs = this.schedule(nowMs, source.lastRetryAfterMs);
      source.nextRetryAtMs = this.dueAtMs;
      logger.info({ delayMs, attempt: this.attempt }, 'no fresh service map: retrying the load early');
    } else {
      this.reset();
      source.nextRetryAtMs = null;
    }
  }
}
