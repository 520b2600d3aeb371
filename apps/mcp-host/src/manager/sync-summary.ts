import type { ConnectorSpec } from '../connectors/index.js';
import type { SyncSummary } from '../status/index.js';
import type { ReconcilePlan } from './reconcile.js';

/** The aggregate of one sync: `failed` counts enabled connectors not available when the sync ends. */
export function summarizeSync(facts: {
  reason: string;
  startedAtMs: number;
  durationMs: number;
  desired: readonly ConnectorSpec[];
  plan: ReconcilePlan;
  isAvailable: (connectorId: string) => boolean;
  parallelism: number;
}): SyncSummary {
  const enabled = facts.desired.filter((spec) => spec.enabled);
  return {
    reason: facts.reason,
    startedAtMs: facts.startedAtMs,
    durationMs: facts.durationMs,
    connectorCount: facts.desired.length,
    enabled: enabled.length,
    failed: enabled.filter((spec) => !facts.isAvailable(spec.id)).length,
    added: facts.plan.added.length,
    removed: facts.plan.removed.length,
    changed: facts.plan.changed.length,
    unchanged: facts.plan.unchanged.length,
    parallelism: facts.parallelism,
  };
}

/** How many sync summaries `status().recentSyncs` keeps. */
const RECENT_SYNCS = 10;

/** The last sync and the latest {@link RECENT_SYNCS} summaries, oldest first, for `/status` and its history. */
export class SyncHistory {
  #last: SyncSummary | null = null;
  readonly #recent: SyncSummary[] = [];

  record(summary: SyncSummary): void {
    this.#last = summary;
    this.#recent.push(summary);
    if (this.#recent.length > RECENT_SYNCS) this.#recent.shift();
  }

  /** The `lastSync` and `recentSyncs` members of `/status` (the latter absent before the first sync). */
  status(): { lastSync: SyncSummary | null; recentSyncs?: SyncSummary[] } {
    return { lastSync: this.#last, ...(this.#recent.length > 0 && { recentSyncs: [...this.#recent] }) };
  }
}
