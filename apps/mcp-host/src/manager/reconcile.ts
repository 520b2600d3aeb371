import { type ConnectorSpec, connectionFingerprint } from '../connectors/index.js';

/** What a connector running now looks like to the reconciler. */
export interface RunningConnector {
  readonly spec: ConnectorSpec;
  readonly fingerprint: string;
}

/** The reconciler's verdict, by connector id. */
export interface ReconcilePlan {
  /** Enabled in the desired set, not running: connect. */
  readonly added: ConnectorSpec[];
  /** Running, but gone from the desired set or disabled there: disconnect and unregister. */
  readonly removed: string[];
  /** Running with another connection fingerprint: reconnect with the new spec. */
  readonly changed: ConnectorSpec[];
  /** Running with the same fingerprint: leave the connection alone. */
  readonly unchanged: ConnectorSpec[];
}

/**
 * Compares the running connectors with the desired specs. Pure: it decides, the manager acts. A disabled spec is
 * treated like an absent one; identity is the connector id, sameness the connection fingerprint.
 */
export function planReconcile(
  running: ReadonlyMap<string, RunningConnector>,
  desired: readonly ConnectorSpec[],
): ReconcilePlan {
  const plan: ReconcilePlan = { added: [], removed: [], changed: [], unchanged: [] };
  const wanted = new Map<string, ConnectorSpec>();
  for (const spec of desired) if (spec.enabled) wanted.set(spec.id, spec);
  for (const id of running.keys()) if (!wanted.has(id)) plan.removed.push(id);
  for (const spec of wanted.values()) {
    const current = running.get(spec.id);
    if (!current) plan.added.push(spec);
    else if (current.fingerprint !== connectionFingerprint(spec)) plan.changed.push(spec);
    else plan.unchanged.push(spec);
  }
  return plan;
}
