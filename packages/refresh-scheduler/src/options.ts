import { RefreshSchedulerError } from './errors.js';
import { type RefreshSchedulerLogger, stderrLogger } from './logger.js';

/** Why a run started: the jittered timer fired, `forceRefresh()` was called, or `start()` ran with `runOnStart`. */
export type RefreshReason = 'timer' | 'forced' | 'start';

/** What `onRefresh` receives for each run. */
export interface RefreshContext {
  /** Why this run started. */
  readonly reason: RefreshReason;
  /**
   * Aborted (reason: a `RefreshSchedulerError` with code `stopped`) when `stop()` is called while this run is in
   * flight. Pass it to `fetch`/undici to cut shutdown short; `stop()` still waits for the run to settle.
   */
  readonly signal: AbortSignal;
}

/** The timer functions the scheduler uses; the handle is opaque except for an optional `unref()`. */
export interface RefreshSchedulerTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options for `new RefreshScheduler(options)`. */
export interface RefreshSchedulerOptions {
  /** Mean delay between runs, in ms. Finite, > 0, and `intervalMs × (1 + jitterFactor)` ≤ 2^31−1. */
  intervalMs: number;
  /** Each delay is drawn uniformly from `intervalMs × (1 ± jitterFactor)`. 0 ≤ jitterFactor < 1. Default 0.2. */
  jitterFactor?: number;
  /** The work. May be async; a throw or rejection is logged and the schedule continues. */
  onRefresh: (context: RefreshContext) => unknown;
  /** Where failed runs are reported. Default: one JSON line on stderr per failure. */
  logger?: RefreshSchedulerLogger;
  /** Epoch ms, used for `nextRunAtMs`, `lastRunAtMs` and `durationMs`. Default `Date.now`. */
  clock?: () => number;
  /** A number in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Default: the global `setTimeout`/`clearTimeout`, looked up at call time. */
  timers?: RefreshSchedulerTimers;
  /** When false (default), `unref()` is called on every timer handle so the scheduler never holds the process open. */
  keepAlive?: boolean;
  /** When true, `start()` runs `onRefresh` at once (reason `start`) instead of waiting for the first delay. */
  runOnStart?: boolean;
}

/** Validated options with defaults filled in. */
export interface ResolvedOptions {
  readonly intervalMs: number;
  readonly jitterFactor: number;
  readonly onRefresh: (context: RefreshContext) => unknown;
  readonly logger: RefreshSchedulerLogger;
  readonly clock: () => number;
  readonly random: () => number;
  readonly timers: RefreshSchedulerTimers;
  readonly keepAlive: boolean;
  readonly runOnStart: boolean;
}

/** Node clamps larger delays to 1 ms, so a longer interval would silently turn into a busy loop. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

const globalTimers: RefreshSchedulerTimers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};

/** Validates `options` and fills in defaults; throws {@link RefreshSchedulerError} on the first problem found. */
export function resolveOptions(options: RefreshSchedulerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption('options must be an object such as { intervalMs: 300000, onRefresh }');
  }
  // Only undefined means "use the default"; null is a caller bug worth reporting.
  const jitterFactor = options.jitterFactor === undefined ? 0.2 : options.jitterFactor;
  validateJitter(jitterFactor);
  validateInterval(options.intervalMs, jitterFactor);
  if (typeof options.onRefresh !== 'function') {
    throw invalidOption('onRefresh must be a function (the work to run on each refresh)');
  }
  return {
    intervalMs: options.intervalMs,
    jitterFactor,
    onRefresh: options.onRefresh,
    logger: validateLogger(options.logger),
    clock: optionalFunction(options.clock, 'clock', 'a function returning epoch ms', Date.now),
    random: optionalFunction(
      options.random,
      'random',
      'a function returning a number in [0, 1)',
      Math.random,
    ),
    timers: validateTimers(options.timers),
    keepAlive: optionalBoolean(options.keepAlive, 'keepAlive'),
    runOnStart: optionalBoolean(options.runOnStart, 'runOnStart'),
  };
}

function validateJitter(jitterFactor: unknown): asserts jitterFactor is number {
  if (
    typeof jitterFactor !== 'number' ||
    !Number.isFinite(jitterFactor) ||
    jitterFactor < 0 ||
    jitterFactor >= 1
  ) {
    throw new RefreshSchedulerError(
      'invalid_jitter',
      `jitterFactor must be a finite number with 0 <= jitterFactor < 1 (got ${describe(jitterFactor)}); ` +
        'use e.g. 0.2 for ±20%, or 0 for a fixed interval. 1 or more would allow zero or negative delays.',
    );
  }
}

function validateInterval(intervalMs: unknown, jitterFactor: number): asserts intervalMs is number {
  if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RefreshSchedulerError(
      'invalid_interval',
      `intervalMs must be a finite number of milliseconds > 0 (got ${describe(intervalMs)}); e.g. 300000 for 5 minutes.`,
    );
  }
  const longestDelayMs = intervalMs * (1 + jitterFactor);
  if (longestDelayMs > MAX_TIMER_DELAY_MS) {
    throw new RefreshSchedulerError(
      'invalid_interval',
      `intervalMs × (1 + jitterFactor) = ${longestDelayMs} ms exceeds ${MAX_TIMER_DELAY_MS} ms (about 24.8 days), ` +
        "the longest delay Node's setTimeout supports; beyond it the timer fires at once. " +
        'Use a shorter intervalMs or a smaller jitterFactor.',
    );
  }
}

function validateLogger(logger: RefreshSchedulerLogger | undefined): RefreshSchedulerLogger {
  if (logger === undefined) return stderrLogger;
  if (typeof logger !== 'object' || logger === null || typeof logger.warn !== 'function') {
    throw invalidOption('logger must have a warn(obj, msg) method (a pino logger works)');
  }
  return logger;
}

function validateTimers(timers: RefreshSchedulerTimers | undefined): RefreshSchedulerTimers {
  if (timers === undefined) return globalTimers;
  if (
    typeof timers !== 'object' ||
    timers === null ||
    typeof timers.setTimeout !== 'function' ||
    typeof timers.clearTimeout !== 'function'
  ) {
    throw invalidOption('timers must provide both setTimeout(callback, delayMs) and clearTimeout(handle)');
  }
  return timers;
}

function optionalFunction<F>(value: F | undefined, name: string, expected: string, fallback: F): F {
  if (value === undefined) return fallback;
  if (typeof value !== 'function')
    throw invalidOption(`${name} must be ${expected} (got ${describe(value)})`);
  return value;
}

function optionalBoolean(value: boolean | undefined, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw invalidOption(`${name} must be true or false (got ${describe(value)})`);
  return value;
}

function invalidOption(message: string): RefreshSchedulerError {
  return new RefreshSchedulerError('invalid_option', `Invalid RefreshScheduler option: ${message}.`);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : String(value);
}
