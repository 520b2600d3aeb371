import { CATALOGUE_KINDS, type CatalogueKind, type NamePrefixMode } from './catalogue-kind.js';
import { type CatalogueEntry, entryKey, KIND_SPECS } from './catalogue-kinds.js';
import { ClaimantIndex } from './contested-names.js';
import { bareKeys, type KindClaims, nameConnectorKind } from './kind-naming.js';
import { isEffective, KindState, NO_CHANGE } from './kind-state.js';
import { uriPrefixFor } from './resource-uri.js';
import type { ToolRegistryChange } from './types.js';
import { UriIndex } from './uri-index.js';
import type { ToolRegistryWarning } from './warning-types.js';

/** What the registry keeps per connector between calls: its lists as given, and what they derive. */
export interface ConnectorRecord {
  /** Effective (sanitised) namespace; undefined while the connector only has `registerTool` tools. */
  readonly namespace: string | undefined;
  /** The URI prefix this connector owns, if any. */
  readonly prefix: string | undefined;
  readonly lists: Partial<Record<CatalogueKind, KindClaims>>;
  /** Bare keys per kind (kept in `conditional` mode only). */
  readonly bare: Partial<Record<CatalogueKind, ReadonlySet<string>>>;
}

/** One call's change to one connector. Kinds not in `lists` keep their claims. */
export interface Mutation {
  readonly connectorId: string;
  /** The effective namespace this call sets (replaces do; `registerTool` does not). */
  readonly namespace?: string;
  readonly lists: Partial<Record<CatalogueKind, KindClaims>>;
  /** `registerTool` / `unregisterTool`: the connector's next tools as they are, without naming. */
  readonly tools?: readonly CatalogueEntry[];
}

/** What one mutation changed, per kind, and what was resolved on the way. */
export interface Outcome {
  readonly kinds: readonly CatalogueKind[];
  readonly changes: Readonly<Record<CatalogueKind, ToolRegistryChange>>;
  readonly warnings: readonly ToolRegistryWarning[];
}

const EMPTY: ReadonlySet<string> = new Set();
const NO_CLAIMS: KindClaims = Object.freeze({ claims: Object.freeze([]), defaults: undefined });

/** The lists of a connector that serves nothing: `removeConnector()`. */
export const EVERY_KIND_EMPTY: Mutation['lists'] = Object.freeze({
  tools: NO_CLAIMS,
  resources: NO_CLAIMS,
  resourceTemplates: NO_CLAIMS,
  prompts: NO_CLAIMS,
});

/**
 * Every kind's entries plus the connector records they derive from. `apply` is the only place state
 * changes: it updates one connector's record, works out which connectors each kind must rename (just that
 * one, or in `conditional` mode also those whose contested names flipped), names them, and installs the
 * result in one synchronous step.
 */
export class CatalogueState {
  readonly mode: NamePrefixMode;
  readonly kinds: Readonly<Record<CatalogueKind, KindState>>;
  readonly uris = new UriIndex();
  readonly #records = new Map<string, ConnectorRecord>();
  readonly #prefixOwners = new Map<string, string>();
  readonly #claimants = new Map<CatalogueKind, ClaimantIndex>();

  constructor(mode: NamePrefixMode) {
    this.mode = mode;
    this.kinds = Object.freeze({
      tools: new KindState(KIND_SPECS.tools),
      resources: new KindState(KIND_SPECS.resources),
      resourceTemplates: new KindState(KIND_SPECS.resourceTemplates),
      prompts: new KindState(KIND_SPECS.prompts),
    });
    for (const kind of CATALOGUE_KINDS) this.#claimants.set(kind, new ClaimantIndex());
  }

  /** What the registry keeps for a connector (undefined once it serves nothing). */
  record(connectorId: string): ConnectorRecord | undefined {
    return this.#records.get(connectorId);
  }

  /** The connector owning URI prefix `prefix` (lowercase), if any. */
  prefixOwner(prefix: string): string | undefined {
    return this.#prefixOwners.get(prefix);
  }

  /** Applies one connector's change to every kind it touches, in one synchronous step. */
  apply(mutation: Mutation): Outcome {
    const { connectorId } = mutation;
    const old = this.#records.get(connectorId);
    const next = this.#nextRecord(mutation, old);
    const renamed = old !== undefined && old.namespace !== next?.namespace;
    const reprefixed = old?.prefix !== next?.prefix;
    if (next === undefined) this.#records.delete(connectorId);
    else this.#records.set(connectorId, next);
    const changes = {} as Record<CatalogueKind, ToolRegistryChange>;
    const warnings: ToolRegistryWarning[] = [];
    for (const kind of CATALOGUE_KINDS) {
      const affected = new Set<string>();
      const given = mutation.lists[kind] !== undefined || (kind === 'tools' && mutation.tools !== undefined);
      const uriKind = KIND_SPECS[kind].naming === 'uri';
      if (given || next === undefined || renamed || (uriKind && reprefixed)) affected.add(connectorId);
      if (this.mode === 'conditional' && given) {
        const claimants = this.#claimants.get(kind) as ClaimantIndex;
        const flipped = claimants.update(connectorId, old?.bare[kind] ?? EMPTY, next?.bare[kind] ?? EMPTY);
        for (const key of flipped) for (const other of claimants.claimants(key)) affected.add(other);
      }
      changes[kind] = affected.size === 0 ? NO_CHANGE : this.#rename(kind, affected, mutation, warnings);
    }
    return {
      kinds: Object.freeze(CATALOGUE_KINDS.filter((kind) => isEffective(changes[kind]))),
      changes: Object.freeze(changes),
      warnings,
    };
  }

  /** The connector's record after `mutation` (undefined when it has nothing left), its prefix claimed. */
  #nextRecord(mutation: Mutation, old: ConnectorRecord | undefined): ConnectorRecord | undefined {
    const { connectorId } = mutation;
    const lists = { ...old?.lists, ...mutation.lists };
    const holds = Object.values(lists).some((list) => list.claims.length > 0);
    const namespace = mutation.namespace ?? old?.namespace;
    const wanted = holds && namespace !== undefined ? uriPrefixFor(namespace) : undefined;
    if (old?.prefix !== undefined && old.prefix !== wanted) this.#prefixOwners.delete(old.prefix);
    let prefix: string | undefined;
    if (wanted !== undefined && (this.#prefixOwners.get(wanted) ?? connectorId) === connectorId) {
      this.#prefixOwners.set(wanted, connectorId);
      prefix = wanted;
    }
    if (!holds) return undefined;
    const bare: Partial<Record<CatalogueKind, ReadonlySet<string>>> = { ...old?.bare };
    if (this.mode === 'conditional') {
      for (const kind of CATALOGUE_KINDS) {
        const list = mutation.lists[kind];
        if (list !== undefined) bare[kind] = bareKeys(KIND_SPECS[kind], list);
      }
    }
    return { namespace, prefix, lists, bare };
  }

  /**
   * Renames the `affected` connectors' items of one kind and installs them. Names held by connectors not
   * renamed stay theirs; among the renamed, the one registered first claims first. A connector's own
   * `registerTool` tools are installed as given, before anyone else claims.
   */
  #rename(
    kind: CatalogueKind,
    affected: ReadonlySet<string>,
    mutation: Mutation,
    warnings: ToolRegistryWarning[],
  ): ToolRegistryChange {
    const state = this.kinds[kind];
    const spec = KIND_SPECS[kind];
    const claimants = this.#claimants.get(kind) as ClaimantIndex;
    const assigned = new Map<string, string>();
    const updates = new Map<string, readonly CatalogueEntry[]>();
    const given = kind === 'tools' ? mutation.tools : undefined;
    if (given !== undefined) {
      for (const entry of given) assigned.set(entryKey(spec, entry), mutation.connectorId);
      updates.set(mutation.connectorId, given);
    }
    const ownerOf = (key: string) => {
      const owner = assigned.get(key) ?? state.ownerOf(key);
      return owner !== undefined && (assigned.has(key) || !affected.has(owner)) ? owner : undefined;
    };
    for (const connectorId of this.#inOrder(affected)) {
      if (updates.has(connectorId)) continue;
      const record = this.#records.get(connectorId);
      const list = record?.lists[kind];
      if (record === undefined || list === undefined) {
        updates.set(connectorId, []);
        continue;
      }
      const namespace = record.namespace ?? '';
      const derived = uriPrefixFor(namespace);
      const named = nameConnectorKind(
        {
          spec,
          mode: this.mode,
          connectorId,
          namespace,
          prefix: { owned: record.prefix, takenBy: derived && this.#prefixOwners.get(derived) },
          isContested: (key) => claimants.isContested(key),
          ownerOf,
          previous: state.connector(connectorId),
        },
        list,
      );
      for (const entry of named.entries) assigned.set(entryKey(spec, entry), connectorId);
      warnings.push(...named.warnings);
      updates.set(connectorId, named.entries);
    }
    const installed = state.install(updates);
    if (kind === 'resources' || kind === 'resourceTemplates') {
      this.uris.update(kind, installed.dropped, installed.placed);
    }
    return installed.change;
  }

  /** `affected` in registration order; connectors that have just left come last. */
  #inOrder(affected: ReadonlySet<string>): string[] {
    // The common case (one connector) must not cost a walk over every connector.
    if (affected.size === 1) return [...affected];
    const known = [...this.#records.keys()].filter((id) => affected.has(id));
    return [...known, ...[...affected].filter((id) => !this.#records.has(id))];
  }
}
