import type { ProxyTimers } from '../../src/index.js';

interface ManualTimer {
  callback: () => void;
  delayMs: number;
  cleared: boolean;
}

/** Timers that fire only when the test says so. */
export class ManualTimers implements ProxyTimers {
  readonly all: ManualTimer[] = [];

  setTimeout = (callback: () => void, delayMs: number): unknown => {
    const timer = { callback, delayMs, cleared: false };
    this.all.push(timer);
    return timer;
  };

  clearTimeout = (handle: unknown): void => {
    (handle as ManualTimer).cleared = true;
  };

  /** Timers neither fired nor cleared, except those with `exceptDelayMs` (e.g. the connect timeout). */
  pending(exceptDelayMs?: number): ManualTimer[] {
    return this.all.filter((timer) => !timer.cleared && timer.delayMs !== exceptDelayMs);
  }

  /** Fires one pending timer. */
  fire(timer: ManualTimer): void {
    timer.cleared = true;
    timer.callback();
  }
}
