import { RefreshSchedulerError } from './errors.js';
import { jitteredDelayMs } from './jitter.js';
import {
  type RefreshContext,
  type RefreshReason,
  type RefreshSchedulerOptions,
  type ResolvedOptions,
  resolveOptions,
} from './options.js';

type RunOutcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

interface InFlightRun {
  /** Settles after bookkeeping (next timer, log line) is done; never rejects. */
  readonly outcome: Promise<RunOutcome>;
  readonly controller: AbortController;
}

interface PendingTimer {
  readonly handle: unknown;
  readonly token: number;
}

/**
 * Runs `onRefresh` every `intervalMs × (1 ± jitterFactor)` ms (drawn uniformly, fresh for every delay), never two
 * runs at once.
 *
 * - The next delay is measured from the end of the previous run, whatever started it.
 * - `forceRefresh()` during a run joins that run; otherwise it starts one at once and replaces the pending timer.
 * - A failing run is logged (`logger.warn`, with the error as `err`) and the schedule continues.
 * - `stop()` cancels the timer, aborts the in-flight run's signal and resolves once that run has settled.
 * - Timer handles are `unref()`ed unless `keepAlive: true`, so the scheduler never keeps the process alive.
 *
 * @example
 * const scheduler = new RefreshScheduler({ intervalMs: 300_000, onRefresh: () => syncServiceMap() });
 * scheduler.start();
 * // … on shutdown:
 * await scheduler.stop();
 */
export class RefreshScheduler {
  readonly #options: ResolvedOptions;
  #phase: 'idle' | 'running' | 'stopped' = 'idle';
  #timer: PendingTimer | undefined;
  #timerToken = 0;
  #run: InFlightRun | undefined;
  #nextRunAtMs: number | undefined;
  #lastRunAtMs: number | undefined;
  #lastError: unknown;
  #runCount = 0;

  /** @throws {RefreshSchedulerError} `invalid_interval`, `invalid_jitter` or `invalid_option` when an option is invalid. */
  constructor(options: RefreshSchedulerOptions) {
    this.#options = resolveOptions(options);
  }

  /** True between `start()` and `stop()`. */
  get running(): boolean {
    return this.#phase === 'running';
  }

  /** True while `onRefresh` is running. */
  get inFlight(): boolean {
    return this.#run !== undefined;
  }

  /** Clock time (epoch ms) the pending timer will fire at; `undefined` when no timer is pending. */
  get nextRunAtMs(): number | undefined {
    return this.#nextRunAtMs;
  }

  /** Clock time (epoch ms) the most recent run finished at; `undefined` before the first run has settled. */
  get lastRunAtMs(): number | undefined {
    return this.#lastRunAtMs;
  }

  /** What the most recent run threw; `undefined` if it succeeded or nothing has run yet. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** How many runs have settled (succeeded or failed). Joined `forceRefresh()` calls do not count. */
  get runCount(): number {
    return this.#runCount;
  }

  /**
   * Starts the schedule: arms the first jittered timer, or runs at once when `runOnStart` is set. Idempotent while
   * running. Works again after `stop()`; if a run is still in flight it joins that run, and the next timer is
   * armed when it settles.
   */
  start(): void {
    if (this.#phase === 'running') return;
    this.#phase = 'running';
    if (this.#run !== undefined) return;
    if (this.#options.runOnStart) {
      void this.#startRun('start');
    } else {
      this.#scheduleNext();
    }
  }

  /**
   * Cancels the pending timer, aborts the in-flight run's `signal`, and resolves once that run has settled (at
   * once if none is running). Never rejects, even if the run fails. Idempotent; `start()` may follow.
   */
  async stop(): Promise<void> {
    this.#phase = 'stopped';
    this.#clearTimer();
    const run = this.#run;
    if (run === undefined) return;
    run.controller.abort(
      new RefreshSchedulerError('stopped', 'The refresh scheduler was stopped while this run was in flight.'),
    );
    await run.outcome;
  }

  /**
   * Runs `onRefresh` now, or joins the run already in flight, and resolves when that run has finished. Rejects
   * with the run's own error, unchanged, if it fails (the failure is logged too). Allowed before `start()` (runs
   * once, arms no timer). When running, the pending timer is replaced by a fresh delay from the end of this run.
   *
   * @throws {RefreshSchedulerError} `stopped` (as a rejection) after `stop()` and until the next `start()`.
   */
  async forceRefresh(): Promise<void> {
    if (this.#phase === 'stopped') {
      throw new RefreshSchedulerError(
        'stopped',
        'forceRefresh() was called after stop(); call start() first, or skip the refresh during shutdown.',
      );
    }
    const outcome = await (this.#run?.outcome ?? this.#startRun('forced'));
    if (!outcome.ok) throw outcome.error;
  }

  #startRun(reason: RefreshReason): Promise<RunOutcome> {
    this.#clearTimer();
    const controller = new AbortController();
    const context: RefreshContext = { reason, signal: controller.signal };
    const startedAtMs = this.#options.clock();
    // onRefresh is called in a microtask, after #run is set, so a forceRefresh() from inside it joins this run.
    const outcome = Promise.resolve()
      .then(() => this.#options.onRefresh(context))
      .then(
        (): RunOutcome => ({ ok: true }),
        (error: unknown): RunOutcome => ({ ok: false, error }),
      )
      .then((result) => {
        this.#finishRun(result, reason, startedAtMs);
        return result;
      });
    this.#run = { outcome, controller };
    return outcome;
  }

  #finishRun(result: RunOutcome, reason: RefreshReason, startedAtMs: number): void {
    this.#run = undefined;
    this.#runCount += 1;
    this.#lastRunAtMs = this.#options.clock();
    this.#lastError = result.ok ? undefined : result.error;
    if (this.#phase === 'running') this.#scheduleNext();
    const fields = {
      reason,
      durationMs: this.#lastRunAtMs - startedAtMs,
      runCount: this.#runCount,
      nextRunAtMs: this.#nextRunAtMs,
    };
    // A throwing logger must not break the schedule or surface as an unhandled rejection.
    try {
      if (result.ok) {
        this.#options.logger.debug?.(fields, 'refresh finished');
      } else {
        this.#options.logger.warn({ err: result.error, ...fields }, 'refresh failed; the schedule continues');
      }
    } catch {}
  }

  #scheduleNext(): void {
    const { intervalMs, jitterFactor, random, timers, clock, keepAlive } = this.#options;
    const delayMs = jitteredDelayMs(intervalMs, jitterFactor, random);
    const token = ++this.#timerToken;
    const handle = timers.setTimeout(() => this.#onTimer(token), delayMs);
    if (!keepAlive) unref(handle);
    this.#timer = { handle, token };
    this.#nextRunAtMs = clock() + delayMs;
  }

  #onTimer(token: number): void {
    // A timer implementation that fires after clearTimeout must not start a stray run.
    if (this.#timer?.token !== token) return;
    this.#timer = undefined;
    this.#nextRunAtMs = undefined;
    if (this.#run === undefined) void this.#startRun('timer');
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    this.#options.timers.clearTimeout(this.#timer.handle);
    this.#timer = undefined;
    this.#nextRunAtMs = undefined;
  }
}

function unref(handle: unknown): void {
  if (
    typeof handle === 'object' &&
    handle !== null &&
    'unref' in handle &&
    typeof handle.unref === 'function'
  ) {
    handle.unref();
  }
}
