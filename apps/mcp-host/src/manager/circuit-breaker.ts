/** Where a connector's circuit stands: `closed` passes calls, `open` fails them fast, `half-open` lets one probe by. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failed calls that open the circuit (integer >= 1). */
  readonly failureThreshold: number;
  /** How long an open circuit fails calls fast before it lets one probe through, in ms. */
  readonly openDurationMs: number;
  /** Epoch-ms clock. */
  readonly clock: () => number;
  /** Called on every change of state. */
  readonly onChange?: ((state: CircuitState) => void) | undefined;
}

/** What `/status` shows of a circuit. */
export interface CircuitSnapshot {
  readonly state: CircuitState;
  readonly consecutiveFailures: number;
  /** When an open circuit lets its next probe through (epoch ms); null unless open. */
  readonly probeAtMs: number | null;
}

/**
 * A per-connector circuit breaker for tool calls. `failureThreshold` consecutive failures (the upstream
 * unreachable or not answering in time — not a tool's own `isError` result, and not a cancellation) open it:
 * calls then fail at once instead of each waiting out its timeout. After `openDurationMs` the next call is let
 * through as a probe (half-open); its success closes the circuit, its failure opens it again. Calls are never
 * retried by the breaker: a refused call is answered, not queued.
 */
export class CircuitBreaker {
  readonly #options: CircuitBreakerOptions;
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAtMs = 0;
  #probeInFlight = false;

  constructor(options: CircuitBreakerOptions) {
    this.#options = options;
  }

  /** Whether a call may go to the upstream now. In half-open state, true once: that call is the probe. */
  tryAcquire(): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'open') {
      if (this.#options.clock() < this.#openedAtMs + this.#options.openDurationMs) return false;
      this.#set('half-open');
    }
    if (this.#probeInFlight) return false;
    this.#probeInFlight = true;
    return true;
  }

  /** The call that `tryAcquire` let through succeeded (the upstream answered, even with a tool error). */
  recordSuccess(): void {
    this.#failures = 0;
    this.#probeInFlight = false;
    if (this.#state !== 'closed') this.#set('closed');
  }

  /** The call failed in a way that says the upstream is unhealthy. */
  recordFailure(): void {
    this.#failures += 1;
    const wasProbe = this.#probeInFlight;
    this.#probeInFlight = false;
    if (wasProbe || (this.#state === 'closed' && this.#failures >= this.#options.failureThreshold)) {
      this.#openedAtMs = this.#options.clock();
      this.#set('open');
    }
  }

  /** The call let through ended without a verdict on the upstream (cancelled by the client). */
  recordNeutral(): void {
    this.#probeInFlight = false;
  }

  /** The current state, failure count and next probe time. */
  snapshot(): CircuitSnapshot {
    return {
      state: this.#state,
      consecutiveFailures: this.#failures,
      probeAtMs: this.#state === 'open' ? this.#openedAtMs + this.#options.openDurationMs : null,
    };
  }

  #set(state: CircuitState): void {
    this.#state = state;
    this.#options.onChange?.(state);
  }
}
