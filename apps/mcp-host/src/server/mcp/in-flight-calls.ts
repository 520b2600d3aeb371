import type { HostServerTimers } from '../types.js';

/**
 * Counts tool calls that are running, so shutdown can wait for them. One instance per surface (all its sessions).
 */
export class InFlightCalls {
  #count = 0;
  readonly #idleWaiters = new Set<() => void>();
  readonly #timers: HostServerTimers;

  constructor(timers: HostServerTimers = { setTimeout, clearTimeout }) {
    this.#timers = timers;
  }

  /** Calls running now. */
  get count(): number {
    return this.#count;
  }

  /** Marks one call as started; the returned function marks it finished (calling it again does nothing). */
  begin(): () => void {
    this.#count += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#count -= 1;
      if (this.#count === 0) for (const wake of [...this.#idleWaiters]) wake();
    };
  }

  /** Resolves once no call runs, or after `timeoutMs`, with the number of calls still running then. */
  waitForIdle(timeoutMs: number): Promise<number> {
    if (this.#count === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      const finish = () => {
        this.#timers.clearTimeout(timer);
        this.#idleWaiters.delete(finish);
        resolve(this.#count);
      };
      const timer = this.#timers.setTimeout(finish, timeoutMs);
      this.#idleWaiters.add(finish);
    });
  }
}
