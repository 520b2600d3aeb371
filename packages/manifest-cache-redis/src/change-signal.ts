import type { FleetTimers } from './options.js';

/**
 * Wakes hosts that wait for the fleet: `notify()` (a notification arrived, the store closed) resolves every
 * pending `wait()` at once; otherwise each wait ends when its own timer fires.
 */
export class ChangeSignal {
  readonly #timers: FleetTimers;
  readonly #waiting = new Set<() => void>();

  constructor(timers: FleetTimers) {
    this.#timers = timers;
  }

  /** Resolves after `delayMs` or at the next `notify()`, whichever comes first. Never rejects. */
  wait(delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#timers.clearTimeout(handle);
        this.#waiting.delete(done);
        resolve();
      };
      const handle = this.#timers.setTimeout(done, delayMs);
      this.#waiting.add(done);
    });
  }

  /** Ends every pending wait now. */
  notify(): void {
    for (const done of [...this.#waiting]) done();
  }
}
