import type { RegistryTimers } from './registry-timers.js';

/**
 * The one timer that batches a cache's changes into a single write: armed at most once at a time, `unref()`'d so a
 * pending write never keeps the process alive on its own. `intervalMs` 0 means no timer at all.
 */
export class FlushTimer {
  readonly #timers: RegistryTimers;
  readonly #intervalMs: number;
  readonly #onFire: () => void;
  #handle: unknown;
  #armed = false;

  constructor(timers: RegistryTimers, intervalMs: number, onFire: () => void) {
    this.#timers = timers;
    this.#intervalMs = intervalMs;
    this.#onFire = onFire;
  }

  /** Starts the timer unless it is already running (or disabled). */
  arm(): void {
    if (this.#armed || this.#intervalMs === 0) return;
    this.#armed = true;
    this.#handle = this.#timers.setTimeout(() => this.#fire(), this.#intervalMs);
    // A pending write must never keep the process alive on its own.
    (this.#handle as { unref?: () => void } | undefined)?.unref?.();
  }

  /** Stops the timer if it is running. */
  clear(): void {
    if (!this.#armed) return;
    this.#timers.clearTimeout(this.#handle);
    this.#armed = false;
    this.#handle = undefined;
  }

  #fire(): void {
    this.#armed = false;
    this.#handle = undefined;
    this.#onFire();
  }
}
