import type { RefreshSchedulerLogger, RefreshSchedulerTimers } from '../../src/index.js';

interface FakeTimer {
  readonly id: number;
  readonly dueAtMs: number;
  readonly delayMs: number;
  readonly callback: () => void;
  unrefCalls: number;
}

/** Manual clock + timers: time moves only when a test calls `advance()` or `fireNext()`. */
export class FakeTimers implements RefreshSchedulerTimers {
  nowMs = 1_000_000;
  readonly scheduledDelaysMs: number[] = [];
  readonly cleared: number[] = [];
  #nextId = 1;
  readonly #pending = new Map<number, FakeTimer>();

  readonly clock = (): number => this.nowMs;

  setTimeout = (callback: () => void, delayMs: number): FakeTimer => {
    const timer: FakeTimer = {
      id: this.#nextId++,
      dueAtMs: this.nowMs + delayMs,
      delayMs,
      callback,
      unrefCalls: 0,
    };
    Object.assign(timer, {
      unref: () => {
        timer.unrefCalls += 1;
      },
    });
    this.#pending.set(timer.id, timer);
    this.scheduledDelaysMs.push(delayMs);
    return timer;
  };

  clearTimeout = (handle: unknown): void => {
    const id = (handle as FakeTimer).id;
    if (this.#pending.delete(id)) this.cleared.push(id);
  };

  get pending(): FakeTimer[] {
    return [...this.#pending.values()];
  }

  /** The only pending timer; fails loudly if there are zero or several. */
  only(): FakeTimer {
    const timers = this.pending;
    if (timers.length !== 1) throw new Error(`expected exactly one pending timer, found ${timers.length}`);
    return timers[0] as FakeTimer;
  }

  /** Jumps the clock to the single pending timer's due time and fires it. */
  fireNext(): void {
    const timer = this.only();
    this.nowMs = timer.dueAtMs;
    this.#pending.delete(timer.id);
    timer.callback();
  }

  advance(ms: number): void {
    this.nowMs += ms;
  }
}

/** A promise plus its resolve/reject, for onRefresh implementations a test finishes by hand. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every queued promise callback run (one macrotask turn); it does not wait for time to pass. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface LogEntry {
  readonly level: 'warn' | 'debug';
  readonly obj: Record<string, unknown>;
  readonly msg: string | undefined;
}

/** A logger that records what it was given. */
export function recordingLogger(): RefreshSchedulerLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    warn: (obj, msg) => void entries.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    debug: (obj, msg) => void entries.push({ level: 'debug', obj: obj as Record<string, unknown>, msg }),
  };
}

/** Deterministic PRNG (mulberry32) so jitter sampling is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
