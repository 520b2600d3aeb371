import type { HostServerTimers } from '../../src/server/types.js';

interface ManualTimer {
  readonly dueMs: number;
  readonly ms: number;
  readonly callback: () => void;
}

/**
 * Timers and a clock that move only when the test says so: pass `timers` and `clock` to the server, then
 * `advance(ms)` runs every timer that falls due, in due order, with `clock()` reading its due time.
 */
export class ManualTimers {
  #nowMs = 0;
  readonly #pending = new Set<ManualTimer>();

  /** Milliseconds since the start of the test. */
  readonly clock = (): number => this.#nowMs;

  readonly timers: HostServerTimers = {
    setTimeout: (callback, ms) => {
      const timer: ManualTimer = { dueMs: this.#nowMs + ms, ms, callback };
      this.#pending.add(timer);
      return timer;
    },
    clearTimeout: (handle) => {
      this.#pending.delete(handle as ManualTimer);
    },
  };

  /** The delays of the timers still pending, in the order they were set. */
  pendingDelays(): number[] {
    return [...this.#pending].map((timer) => timer.ms);
  }

  /** Moves the clock forward by `ms`, running each timer due by then (timers set meanwhile included). */
  advance(ms: number): void {
    const targetMs = this.#nowMs + ms;
    // Bounded: a timer that re-arms itself with 0 ms would otherwise spin forever.
    for (let fired = 0; fired < 10_000; fired += 1) {
      const next = this.#nextDue(targetMs);
      if (!next) break;
      this.#pending.delete(next);
      this.#nowMs = next.dueMs;
      next.callback();
    }
    this.#nowMs = targetMs;
  }

  #nextDue(targetMs: number): ManualTimer | undefined {
    let next: ManualTimer | undefined;
    for (const timer of this.#pending) {
      if (timer.dueMs <= targetMs && (!next || timer.dueMs < next.dueMs)) next = timer;
    }
    return next;
  }
}
