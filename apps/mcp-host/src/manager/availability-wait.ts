import { ConnectorProxyError, type RemoteToolProxy } from '@cortex-mcp/connector-proxy';
import { ConnectorManagerError } from '../errors.js';
import type { ManagerTimers } from './timers.js';
import { settleWithin } from './wait.js';

/** The connector a call waits for, read afresh on every step of the wait. */
export interface AwaitedConnector {
  readonly id: string;
  /** How long a call waits for the connection, in ms. */
  callTimeoutMs(): number;
  /** Its proxy; undefined when its configuration was rejected. */
  proxy(): RemoteToolProxy | undefined;
  /** True once it was removed or the host is shutting down. */
  disposed(): boolean;
  /** Why its last connect failed, if it did. */
  lastErrorMessage(): string | undefined;
  /** Connects, or joins the attempt running. */
  connect(): Promise<void>;
  /** The error for a connector whose configuration was rejected. */
  problemError(): ConnectorManagerError;
}

/** What {@link AvailabilityWait} schedules with. */
export interface AvailabilityWaitOptions {
  readonly clock: () => number;
  readonly timers: ManagerTimers;
  /** Pause between connect attempts while a call waits, in ms. */
  readonly callRetryDelayMs: number;
}

/**
 * Makes a tool call wait for a connector that is still connecting: it drives connect attempts (pausing
 * `callRetryDelayMs` between failed ones, or until {@link AvailabilityWait.notify}) up to the call timeout.
 */
export class AvailabilityWait {
  readonly #options: AvailabilityWaitOptions;
  readonly #waiters = new Set<() => void>();

  constructor(options: AvailabilityWaitOptions) {
    this.#options = options;
  }

  /**
   * Resolves with the connector's proxy once it takes calls. Rejects with a `ConnectorManagerError` `unavailable`
   * when it does not within the call timeout (or is gone), or a `ConnectorProxyError` `aborted` when `signal` aborts.
   */
  async until(connector: AwaitedConnector, signal: AbortSignal | undefined): Promise<RemoteToolProxy> {
    const { clock, timers, callRetryDelayMs } = this.#options;
    const deadlineMs = clock() + connector.callTimeoutMs();
    for (;;) {
      const proxy = connector.proxy();
      if (connector.disposed()) {
        throw unavailable(connector, 'the connector was removed or the host is shutting down');
      }
      if (!proxy) throw connector.problemError();
      if (proxy.available) return proxy;
      const remainingMs = deadlineMs - clock();
      if (signal?.aborted) {
        throw new ConnectorProxyError(
          'aborted',
          connector.id,
          'The call was cancelled while waiting for the connector.',
        );
      }
      if (remainingMs <= 0) {
        const lastError = connector.lastErrorMessage();
        const last = lastError ? ` (last error: ${lastError})` : '';
        throw unavailable(connector, `not connected within ${connector.callTimeoutMs()} ms${last}`);
      }
      const attempt = connector.connect().then(
        () => true,
        () => false,
      );
      await settleWithin(attempt, remainingMs, signal, timers);
      if (!proxy.available && !connector.disposed()) {
        // A refused port fails at once: pause before the next try instead of spinning.
        const pauseMs = Math.min(callRetryDelayMs, Math.max(0, deadlineMs - clock()));
        await this.#pause(pauseMs, signal);
      }
    }
  }

  /** Wakes every paused wait (availability changed, or the connector is going away). */
  notify(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const resolve of waiters) resolve();
  }

  async #pause(pauseMs: number, signal: AbortSignal | undefined): Promise<void> {
    let wake: () => void = () => {};
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.#waiters.add(wake);
    await settleWithin(woken, pauseMs, signal, this.#options.timers);
    this.#waiters.delete(wake);
  }
}

function unavailable(connector: AwaitedConnector, reason: string): ConnectorManagerError {
  return new ConnectorManagerError('unavailable', reason, { connectorId: connector.id });
}
