import type { FleetStore } from './fleet-store.js';
import type { HeldLease } from './lease.js';
import type { FleetTimers } from './options.js';

/**
 * Renews a held lease every third of its period while the holder works, so a slow but live leader keeps it and a
 * dead one (which stops renewing) loses it at most one lease period after its last renewal. Renewal failures are
 * not fatal here: if the lease is really lost, the fenced commit is refused.
 *
 * @returns stop — call it once the work is done (before committing or abandoning)
 */
export function startLeaseHeartbeat(
  store: FleetStore,
  lease: HeldLease,
  leaseMs: number,
  timers: FleetTimers,
): () => void {
  const everyMs = Math.max(1, Math.floor(leaseMs / 3));
  let stopped = false;
  let handle: unknown;
  const beat = () => {
    if (stopped) return;
    store
      .renew(lease, leaseMs)
      .catch(() => true) // Redis down: keep trying; the commit's fencing decides.
      .then((held) => {
        if (!stopped && held) handle = timers.setTimeout(beat, everyMs);
      });
  };
  handle = timers.setTimeout(beat, everyMs);
  return () => {
    stopped = true;
    timers.clearTimeout(handle);
  };
}
