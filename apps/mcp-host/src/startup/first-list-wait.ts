import type { GateTimers } from './connect-phase-gate.js';
import type { StartupLogger } from './deferred-logger.js';

const globalTimers: GateTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Options of {@link FirstListWait}. */
export interface FirstListWaitOptions {
  /** The most a list waits, from the first list that waits: the connect timeout plus a margin. */
  readonly boundMs: number;
  /** Told when the bound ends the wait before the first sync did. */
  readonly logger?: Pick<StartupLogger, 'info'>;
  /** Timers of the bound; injectable for tests. */
  readonly timers?: GateTimers;
}

/** What {@link FirstListWait.releaseAfterFirstSync} reads of the manager: its status and its joinable sync. */
export interface FirstSyncSource {
  status(): {
    readonly lastSync: unknown;
    readonly connectors: readonly { readonly catalogue: 'live' | 'persisted' | 'none' }[];
  };
  /** Runs a sync, or joins the one in flight (the manager's `refresh()`). */
  refresh(reason?: string): Promise<unknown>;
}

/**
 * Holds the lists of a cold start (no catalogue to serve yet) until the first sync has settled, so a client that
 * lists once sees every connector that connects in time. The wait is bounded here and only here: at most `boundMs`
 * from the first list that waits, after which — or once released — no list waits again.
 */
export class FirstListWait {
  readonly #boundMs: number;
  readonly #logger: Pick<StartupLogger, 'info'> | undefined;
  readonly #timers: GateTimers;
  readonly #released: Promise<void>;
  #resolve: () => void = () => {};
  #done = false;
  #timer: unknown;

  constructor(options: FirstListWaitOptions) {
    this.#boundMs = options.boundMs;
    this.#logger = options.logger;
    this.#timers = options.timers ?? globalTimers;
    this.#released = new Promise<void>((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** True once lists no longer wait. */
  get released(): boolean {
    return this.#done;
  }

  /**
   * What a list handler awaits before it answers: undefined once lists no longer wait (answer at once), else a
   * promise that resolves when the first sync settles or the bound passes, whichever comes first.
   */
  ready(): Promise<void> | undefined {
    if (this.#done) return undefined;
    this.#timer ??= this.#timers.setTimeout(() => {
      this.#timer = undefined;
      if (this.#done) return;
      this.#logger?.info(
        { boundMs: this.#boundMs },
        'answering the first list before every connector has connected or failed (bound reached)',
      );
      this.release();
    }, this.#boundMs);
    return this.#released;
  }

  /** Lists stop waiting, now and from now on: the first sync settled, or the host shuts down. Idempotent. */
  release(): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#resolve();
  }

  /**
   * Releases the lists once the manager's first sync has settled. Call it once `manager.start()` has resolved in
   * async mode: the start sync is then in flight, and `refresh()` joins it instead of starting another. A manager
   * that already serves an adopted catalogue (the fleet's, shared through Redis) releases at once, as a warm start
   * would have answered at once.
   */
  releaseAfterFirstSync(manager: FirstSyncSource): void {
    const status = manager.status();
    const adopted = status.connectors.some((connector) => connector.catalogue === 'persisted');
    if (status.lastSync !== null || adopted) {
      this.release();
      return;
    }
    void manager.refresh('start').then(
      () => this.release(),
      () => this.release(),
    );
  }
}
