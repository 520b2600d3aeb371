import { describeError } from './errors.js';
import type { RedisHealth, RedisLogger } from './options.js';

/**
 * Tracks whether Redis answers, and tells about changes: exactly one warning per outage (however many requests
 * fail during it), one info line when Redis is back, and `onChange` on every transition.
 */
export class HealthTracker {
  readonly #clock: () => number;
  readonly #logger: RedisLogger | undefined;
  readonly #onChange: ((health: RedisHealth) => void) | undefined;
  readonly #describeTarget: string;
  #health: RedisHealth;
  /** Whether this outage was already logged: the first failure logs, the rest only update `lastError`. */
  #warned = false;

  /**
   * @param describeTarget - the Redis address without credentials, for log lines
   */
  constructor(options: {
    clock: () => number;
    logger: RedisLogger | undefined;
    onChange: ((health: RedisHealth) => void) | undefined;
    describeTarget: string;
  }) {
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#onChange = options.onChange;
    this.#describeTarget = options.describeTarget;
    // Down until the first connection is ready; not an outage yet, so nothing is logged.
    this.#health = { status: 'down', sinceMs: this.#clock(), lastError: null };
  }

  /** The current state (a fresh, JSON-friendly object). */
  get current(): RedisHealth {
    return { ...this.#health };
  }

  get isUp(): boolean {
    return this.#health.status === 'up';
  }

  /** Redis answered: `up` (logs once if it was down after an outage). */
  markUp(): void {
    if (this.#health.status === 'up') return;
    const wasOutage = this.#warned;
    this.#warned = false;
    this.#set({ status: 'up', sinceMs: this.#clock(), lastError: this.#health.lastError });
    if (wasOutage) {
      this.#safeLog('info', { redis: this.#describeTarget }, 'Redis is reachable again; rejoining the fleet');
    }
  }

  /**
   * Redis did not answer: `down`, recording why; warns once per outage.
   *
   * @param generic - a consequence rather than a cause (the connection closed): recorded only when this outage
   *   has no cause yet, so "connect ECONNREFUSED …" is not replaced by "the connection to Redis closed"
   */
  markDown(error: unknown, generic = false): void {
    const known = this.#health.lastError;
    if (generic && this.#health.status === 'down' && known !== null && known.atMs >= this.#health.sinceMs)
      return;
    const lastError = { message: describeError(error), atMs: this.#clock() };
    if (!this.#warned) {
      this.#warned = true;
      this.#safeLog(
        'warn',
        { redis: this.#describeTarget, err: lastError.message },
        'Redis is unreachable; serving from the in-memory cache and fetching alone until it is back',
      );
    }
    if (this.#health.status === 'down') {
      this.#health = { ...this.#health, lastError };
      return;
    }
    this.#set({ status: 'down', sinceMs: lastError.atMs, lastError });
  }

  /** The store was closed on purpose: `down`, nothing logged. */
  markClosed(): void {
    if (this.#health.status === 'down') return;
    this.#set({ status: 'down', sinceMs: this.#clock(), lastError: this.#health.lastError });
  }

  #set(health: RedisHealth): void {
    this.#health = health;
    try {
      this.#onChange?.({ ...health });
    } catch {
      // A listener bug must not change how the store behaves.
    }
  }

  #safeLog(level: 'warn' | 'info', details: object, message: string): void {
    try {
      this.#logger?.[level]?.(details, message);
    } catch {
      // Same: logging never breaks serving.
    }
  }
}
