import type { ServerInfo } from '@cortex-mcp/registry-fs-store';
import type { ConnectorStatus, MapStatus, SyncSummary } from '../status.js';
import { type ConnectorSpec, displayEndpoint } from './connector-spec.js';
import type { ReconcilePlan } from './reconcile.js';
import { redactUrl } from './redact-url.js';

/** `/status` map member when the host runs without a service map. */
export function emptyMapStatus(): MapStatus {
  return {
    url: null,
    id: null,
    generatedAt: null,
    expiresAtMs: null,
    freshness: 'empty',
    source: 'none',
    lastRefreshAtMs: null,
    nextRetryAtMs: null,
    lastError: null,
  };
}

/** `/status` entry of a connector the map or the registry file lists as disabled. */
export function disabledStatus(spec: ConnectorSpec): ConnectorStatus {
  return {
    id: spec.id,
    origin: spec.origin,
    transport: spec.transport,
    endpoint: displayEndpoint(spec),
    state: 'disabled',
    available: false,
    toolCount: 0,
    catalogue: 'none',
    lastError: null,
    connectedAtMs: null,
  };
}

/** `/status` entry of a registry-file server skipped because a map connector has its id. */
export function skippedStatus(server: ServerInfo, atMs: number): ConnectorStatus {
  return {
    id: server.name,
    origin: 'registry-file',
    transport: server.transport,
    endpoint: server.transport === 'stdio' ? server.command : redactUrl(server.url),
    state: 'disabled',
    available: false,
    toolCount: 0,
    catalogue: 'none',
    lastError: {
      message: `Skipped: a service-map connector has the id "${server.name}". Rename the registry-file server to use it.`,
      atMs,
    },
    connectedAtMs: null,
  };
}

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
