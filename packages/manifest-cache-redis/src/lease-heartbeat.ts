import type { FleetStore, HeldLease } from './fleet-store.js';
import type { FleetTimers } from './options.js';

/**
 * Renews a held lease every third of its period while the holder works, so a slow but live leader keeps it and a
 * dead one (which stops renewing) loses it at most one lease period after its last renewal. Each renewal also
 * records the holder's current Redis `CLIENT ID`; after a reconnect (a new id) it renews at once, so waiting hosts
 * do not mistake the closed old connection for a dead holder for longer than that takes. Renewal failures are not
 * fatal here: if the lease is really lost, the fenced commit is refused.
 *
 * @param onNewConnection - subscribes to "the Redis connection is (again) ready"; returns the unsubscribe
 * @returns stop — call it once the work is done (before committing or abandoning)
 */
export function startLeaseHeartbeat(
  store: FleetStore,
  lease: HeldLease,
  leaseMs: number,
  timers: FleetTimers,
  onNewConnection?: (listener: () => void) => () => void,
): () => void {
  const everyMs = Math.max(1, Math.floor(leaseMs / 3));
  let stopped = false;
  let renewing = false;
  let renewAgain = false;
  let handle: unknown;
  const beat = () => {
    if (stopped) return;
    renewing = true;
    store
      .renew(lease, leaseMs)
      .catch(() => true) // Redis down: keep trying; the commit's fencing decides.
      .then((held) => {
        renewing = false;
        if (stopped || !held) return;
        if (renewAgain) {
          renewAgain = false;
          beat();
        } else {
          handle = timers.setTimeout(beat, everyMs);
        }
      });
  };
  const unsubscribe = onNewConnection?.(() => {
    if (stopped) return;
    // One renewal at a time: a reconnect during a renewal renews once more right after it.
    if (renewing) {
      renewAgain = true;
      return;
    }
    timers.clearTimeout(handle);
    beat();
  });
  handle = timers.setTimeout(beat, everyMs);
  return () => {
    stopped = true;
    timers.clearTimeout(handle);
    unsubscribe?.();
  };
}
