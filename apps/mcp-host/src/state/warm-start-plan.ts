import type { ServerInfo } from '@cortex-mcp/registry-fs-store';
import type { ServiceMapPayload } from '@cortex-mcp/service-map-loader';
import {
  type ConnectorSpec,
  catalogueFingerprint,
  desiredSpecs,
  type ServedCatalogue,
  type SpecDefaults,
} from '../connectors/index.js';
import type { CatalogueEntry } from './warm-state-store.js';

/** What a warm start knows before any connector connects. */
export interface WarmStartFacts {
  /** The held map (persisted, or the fleet's), if any. */
  readonly map: ServiceMapPayload | undefined;
  /** The registry file's servers ([] when it could not be read). */
  readonly servers: readonly ServerInfo[];
  /** Whether a map URL is configured. */
  readonly hasMapUrl: boolean;
  /** Whether the registry file was read (or there is none): without a map URL, that alone makes the host ready. */
  readonly registryRead: boolean;
  /** The persisted catalogue entry of a connector, if any. */
  readonly catalogue: (connectorId: string) => CatalogueEntry | undefined;
  readonly specDefaults: SpecDefaults;
}

/** A connector the warm start serves from its persisted catalogue. */
export interface WarmCandidate {
  readonly spec: ConnectorSpec;
  readonly catalogue: ServedCatalogue;
}

/** The warm start's choice: which connectors serve which persisted catalogue, and whether the host is ready. */
export interface WarmStartPlan {
  readonly specs: readonly ConnectorSpec[];
  /** Registry-file servers skipped because a map connector has their id. */
  readonly skipped: readonly ServerInfo[];
  readonly candidates: readonly WarmCandidate[];
  readonly ready: boolean;
}

/**
 * The one warm-start rule, used by the fast path and by the manager: every enabled connector whose persisted
 * catalogue was listed under its current catalogue fingerprint serves it at once; the host is ready with a
 * held map, with any such connector, or, without a map URL, once the registry file was read.
 */
export function planWarmStart(facts: WarmStartFacts): WarmStartPlan {
  const { specs, skipped } = desiredSpecs(facts.map, facts.servers, facts.specDefaults);
  const candidates: WarmCandidate[] = [];
  for (const spec of specs) {
    const entry = spec.enabled ? facts.catalogue(spec.id) : undefined;
    if (entry?.fingerprint === catalogueFingerprint(spec)) candidates.push({ spec, catalogue: entry });
  }
  const ready = facts.map !== undefined || candidates.length > 0 || (!facts.hasMapUrl && facts.registryRead);
  return { specs, skipped, candidates, ready };
}
