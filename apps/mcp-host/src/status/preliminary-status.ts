import type { ServerInfo } from '@cortex-mcp/registry-fs-store';
import type { ServiceMapPayload } from '@cortex-mcp/service-map-loader';
import { type CatalogueCounts, type ConnectorSpec, displayEndpoint } from '../connectors/index.js';
import { redactUrl } from '../redact-url.js';
import type { ConnectorStatus, HostStatus, MapStatus } from './host-status.js';
import { emptyMapStatus, skippedStatus } from './status-entries.js';

/** What the preliminary status shows of the persisted map. */
export interface HeldMapFacts {
  readonly payload: Pick<ServiceMapPayload, 'id' | 'generatedAt'>;
  readonly expiresAtMs: number;
}

/** Everything {@link preliminaryStatus} reports. */
export interface PreliminaryStatusFacts {
  readonly version: string;
  readonly startedAtMs: number;
  readonly nowMs: number;
  readonly ready: boolean;
  readonly serviceMapUrl: string | undefined;
  readonly map: HeldMapFacts | undefined;
  readonly connectors: readonly { readonly spec: ConnectorSpec; readonly counts: CatalogueCounts }[];
  readonly skipped: readonly ServerInfo[];
  readonly registry: HostStatus['registry'];
}

/**
 * The `/status` document between "listening" and "the manager has started", shaped like the manager's own right
 * after its warm load: the persisted map, every connector served from the persisted catalogue (connecting, or down
 * with its configuration problem; circuit closed), the skipped registry-file servers, and no sync yet. Holds no
 * secret.
 */
export function preliminaryStatus(facts: PreliminaryStatusFacts): HostStatus {
  return {
    version: facts.version,
    startedAtMs: facts.startedAtMs,
    ready: facts.ready,
    map: mapStatus(facts.serviceMapUrl, facts.map, facts.nowMs),
    connectors: [
      ...facts.connectors.map(({ spec, counts }) => connectorStatus(spec, counts, facts.startedAtMs)),
      ...facts.skipped.map((server) => skippedStatus(server, facts.nowMs)),
    ],
    registry: facts.registry,
    lastSync: null,
  };
}

function mapStatus(
  serviceMapUrl: string | undefined,
  map: HeldMapFacts | undefined,
  nowMs: number,
): MapStatus {
  if (serviceMapUrl === undefined) return emptyMapStatus();
  const held = map !== undefined;
  return {
    ...emptyMapStatus(),
    url: redactUrl(serviceMapUrl),
    id: map?.payload.id ?? null,
    generatedAt: map?.payload.generatedAt ?? null,
    expiresAtMs: map?.expiresAtMs ?? null,
    freshness: held ? (nowMs < map.expiresAtMs ? 'fresh' : 'stale') : 'empty',
    source: held ? 'persisted' : 'none',
  };
}

function connectorStatus(spec: ConnectorSpec, counts: CatalogueCounts, atMs: number): ConnectorStatus {
  return {
    id: spec.id,
    origin: spec.origin,
    transport: spec.transport,
    endpoint: displayEndpoint(spec),
    state: spec.problem ? 'down' : 'connecting',
    available: false,
    ...counts,
    catalogue: 'persisted',
    lastError: spec.problem ? { message: spec.problem.message, atMs } : null,
    connectedAtMs: null,
    // A connector's breaker starts closed. (Tools withheld by pin review, `changedTools`, show once the manager has
    // read its pins: the persisted catalogue holds only the tools that were served.)
    circuit: { state: 'closed', consecutiveFailures: 0, probeAtMs: null },
  };
}
