import type { FleetStatus } from './fleet-status.js';
import type { HeldLease, LeaseView } from './lease.js';

/**
 * Who holds the refresh lease, as this host knows it: the lease it holds itself, or the one it last saw another
 * host hold, trusted until that lease's remaining time has run out on this host's clock.
 */
export class LeaseTracker {
  readonly #instanceId: string;
  readonly #clock: () => number;
  #leading: HeldLease | undefined;
  #seen: { view: LeaseView; observedAtMs: number } | undefined;

  constructor(instanceId: string, clock: () => number) {
    this.#instanceId = instanceId;
    this.#clock = clock;
  }

  /** The lease this host holds, while it leads a refresh. */
  get leading(): HeldLease | undefined {
    return this.#leading;
  }

  setLeading(lease: HeldLease | undefined): void {
    this.#leading = lease;
  }

  /** Records the lease as just read from Redis (`null`: nobody holds it). */
  observe(view: LeaseView | null): void {
    this.#seen = view === null ? undefined : { view, observedAtMs: this.#clock() };
  }

  /** The lease holder for `fleetStatus()`: this host while it leads, else the last one seen, until it expired. */
  holder(): FleetStatus['leaseHolder'] {
    if (this.#leading !== undefined) {
      return { holderId: this.#instanceId, fence: this.#leading.fence, self: true };
    }
    const seen = this.#seen;
    const expired =
      seen !== undefined &&
      seen.view.remainingMs >= 0 &&
      this.#clock() >= seen.observedAtMs + seen.view.remainingMs;
    if (seen === undefined || expired) return null;
    return {
      holderId: seen.view.holderId,
      fence: seen.view.fence,
      self: seen.view.holderId === this.#instanceId,
    };
  }
}
