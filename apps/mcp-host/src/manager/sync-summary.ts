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
