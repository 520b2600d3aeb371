import { performance } from 'node:perf_hooks';
import { ConnectorManagerError } from '../errors.js';
import type { ManagerTimers } from './timers.js';

/** Tells the limiter how busy the process is. Injectable, so tests decide what "CPU-bound" means. */
export interface LoadProbe {
  /** The fraction of wall time, in [0, 1], the process was busy since the previous call (or since it was made). */
  sample(): number;
}

/**
 * The default {@link LoadProbe}: event-loop utilization (`performance.eventLoopUtilization`) over the last window.
 * Near 1 the loop never waits for I/O — the process is CPU-bound and more connects would only queue behind each
 * other; near 0 the connects are waiting on the network. It needs no histogram or handle to clean up.
 */
export function eventLoopLoadProbe(): LoadProbe {
  let previous = performance.eventLoopUtilization();
  return {
    sample() {
      const now = performance.eventLoopUtilization();
      const delta = performance.eventLoopUtilization(now, previous);
      previous = now;
      return delta.utilization;
    },
  };
}

/** Why the limit moved. */
export type LimitChangeReason = 'latency-bound' | 'cpu-pressure' | 'failure';

/** Options of {@link AdaptiveLimiter}. */
export interface AdaptiveLimiterOptions {
  /** The limit never goes below this (integer >= 1). */
  readonly floor: number;
  /** The limit never goes above this (integer >= floor): no more tasks than this ever run at once. */
  readonly ceiling: number;
  /** The starting limit, clamped to [floor, ceiling]. Default: `floor`. */
  readonly initial?: number | undefined;
  /** Length of one measuring window, in ms: the limit grows or shrinks at most once per window. Default 20. */
  readonly sampleIntervalMs?: number | undefined;
  /** A window whose load reaches this (0–1] counts as CPU pressure. Default 0.9. */
  readonly busyThreshold?: number | undefined;
  /** Default {@link eventLoopLoadProbe}. */
  readonly loadProbe?: LoadProbe | undefined;
  /** Whether a task's rejection is a sign of overload (shrink) rather than a problem of its own. Default: every one. */
  readonly isCongestion?: ((error: unknown) => boolean) | undefined;
  /** Timers of the measuring window. Default: the globals (unref'd). */
  readonly timers?: ManagerTimers | undefined;
  /** Called after every change of the limit. */
  readonly onChange?:
    | ((change: { limit: number; previous: number; reason: LimitChangeReason }) => void)
    | undefined;
}

/** What one limiter did, for logs and the sync summary. */
export interface AdaptiveLimiterStats {
  readonly limit: number;
  readonly peakLimit: number;
  /** The most tasks that ran at once. */
  readonly peakActive: number;
  readonly grows: number;
  readonly shrinks: number;
}

const defaultTimers: ManagerTimers = {
  setTimeout: (callback, delayMs) => {
    const handle = setTimeout(callback, delayMs);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A concurrency limit that adapts between a floor and a ceiling (AIMD-like). Time is cut into windows of
 * `sampleIntervalMs`, armed only while tasks run or wait. At the end of a window:
 *
 * - load ≥ `busyThreshold` (CPU pressure) → the limit halves, not below the floor;
 * - else, when tasks were waiting and nothing shrank the limit in this window → it doubles, up to the ceiling
 *   (the running tasks are latency-bound: the process idles while they wait on the network).
 *
 * A task rejection that `isCongestion` accepts halves the limit at once — at most once per window, so one burst of
 * failures from one cause counts once — and blocks growth for that window. Lowering the limit never cancels running
 * tasks; it only holds back new ones. The number of running tasks never exceeds the ceiling.
 */
export class AdaptiveLimiter {
  readonly #floor: number;
  readonly #ceiling: number;
  readonly #sampleIntervalMs: number;
  readonly #busyThreshold: number;
  readonly #probe: LoadProbe;
  readonly #isCongestion: (error: unknown) => boolean;
  readonly #timers: ManagerTimers;
  readonly #onChange: AdaptiveLimiterOptions['onChange'];
  readonly #queue: Array<() => void> = [];
  #limit: number;
  #active = 0;
  #peakLimit: number;
  #peakActive = 0;
  #grows = 0;
  #shrinks = 0;
  #shrunkThisWindow = false;
  #window: unknown;

  /** @throws {ConnectorManagerError} `invalid_options` for a floor, ceiling or threshold that cannot work. */
  constructor(options: AdaptiveLimiterOptions) {
    const { floor, ceiling } = options;
    const sampleIntervalMs = options.sampleIntervalMs ?? 20;
    const busyThreshold = options.busyThreshold ?? 0.9;
    if (!Number.isInteger(floor) || floor < 1 || !Number.isInteger(ceiling) || ceiling < floor) {
      throw invalid(`floor (${floor}) and ceiling (${ceiling}) must be integers with 1 <= floor <= ceiling`);
    }
    if (!Number.isFinite(sampleIntervalMs) || sampleIntervalMs <= 0) {
      throw invalid('sampleIntervalMs must be a positive number');
    }
    if (!(busyThreshold > 0 && busyThreshold <= 1)) throw invalid('busyThreshold must be in (0, 1]');
    if (options.initial !== undefined && !Number.isFinite(options.initial)) {
      throw invalid('initial must be a finite number');
    }
    this.#floor = floor;
    this.#ceiling = ceiling;
    this.#sampleIntervalMs = sampleIntervalMs;
    this.#busyThreshold = busyThreshold;
    this.#probe = options.loadProbe ?? eventLoopLoadProbe();
    this.#isCongestion = options.isCongestion ?? (() => true);
    this.#timers = options.timers ?? defaultTimers;
    this.#onChange = options.onChange;
    this.#limit = clamp(Math.floor(options.initial ?? floor), floor, ceiling);
    this.#peakLimit = this.#limit;
  }

  /** The current limit. */
  get limit(): number {
    return this.#limit;
  }

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  /** Tasks waiting for a slot. */
  get pending(): number {
    return this.#queue.length;
  }

  /** What the limiter did so far. */
  stats(): AdaptiveLimiterStats {
    return {
      limit: this.#limit,
      peakLimit: this.#peakLimit,
      peakActive: this.#peakActive,
      grows: this.#grows,
      shrinks: this.#shrinks,
    };
  }

  /** Runs `task` when a slot is free; settles like it. */
  run<T>(task: () => Promise<T> | T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.#active += 1;
        this.#peakActive = Math.max(this.#peakActive, this.#active);
        new Promise<T>((settle) => settle(task())).then(
          (value) => {
            this.#finish();
            resolve(value);
          },
          (error: unknown) => {
            if (this.#countsAsCongestion(error)) this.#shrink('failure');
            this.#finish();
            reject(error);
          },
        );
      };
      this.#queue.push(start);
      this.#armWindow();
      this.#dispatch();
    });
  }

  #countsAsCongestion(error: unknown): boolean {
    try {
      return this.#isCongestion(error);
    } catch {
      return true;
    }
  }

  #finish(): void {
    this.#active -= 1;
    this.#dispatch();
  }

  #dispatch(): void {
    while (this.#active < this.#limit) {
      const next = this.#queue.shift();
      if (!next) return;
      next();
    }
  }

  #armWindow(): void {
    if (this.#window !== undefined) return;
    this.#window = this.#timers.setTimeout(() => this.#endWindow(), this.#sampleIntervalMs);
  }

  #endWindow(): void {
    this.#window = undefined;
    const load = this.#probe.sample();
    if (load >= this.#busyThreshold) this.#shrink('cpu-pressure');
    else if (!this.#shrunkThisWindow && this.#queue.length > 0) this.#grow();
    this.#shrunkThisWindow = false;
    this.#dispatch();
    if (this.#active > 0 || this.#queue.length > 0) this.#armWindow();
  }

  #grow(): void {
    const next = Math.min(this.#ceiling, this.#limit * 2);
    if (next === this.#limit) return;
    this.#grows += 1;
    this.#change(next, 'latency-bound');
  }

  #shrink(reason: LimitChangeReason): void {
    if (this.#shrunkThisWindow) return;
    this.#shrunkThisWindow = true;
    const next = Math.max(this.#floor, Math.floor(this.#limit / 2));
    if (next === this.#limit) return;
    this.#shrinks += 1;
    this.#change(next, reason);
  }

  #change(limit: number, reason: LimitChangeReason): void {
    const previous = this.#limit;
    this.#limit = limit;
    this.#peakLimit = Math.max(this.#peakLimit, limit);
    this.#onChange?.({ limit, previous, reason });
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function invalid(problem: string): ConnectorManagerError {
  return new ConnectorManagerError(
    'invalid_options',
    `AdaptiveLimiter: ${problem}. Fix MCP_CONNECTOR_CONCURRENCY_MIN / MCP_CONNECTOR_CONCURRENCY_MAX.`,
  );
}
