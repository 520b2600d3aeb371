import { type CatalogueEntry, entryKey, type KindSpec } from './catalogue-kinds.js';
import type { ToolRegistryChange } from './types.js';

const NO_ENTRIES: readonly CatalogueEntry[] = Object.freeze([]);
const NO_NAMES: readonly string[] = Object.freeze([]);

/** The change that changes nothing (frozen, shared). */
export const NO_CHANGE: ToolRegistryChange = Object.freeze({
  added: NO_NAMES,
  removed: NO_NAMES,
  changed: NO_NAMES,
});

/** Next entries per connector for one kind; an empty list removes the connector from the kind. */
export type KindUpdates = ReadonlyMap<string, readonly CatalogueEntry[]>;

/** What installing updates did: the visible change, and the entry objects that left and arrived. */
export interface Installed {
  readonly change: ToolRegistryChange;
  readonly dropped: readonly CatalogueEntry[];
  readonly placed: readonly CatalogueEntry[];
}

/**
 * Everything one kind holds: entries by public key (O(1) lookups), by connector, and a frozen snapshot
 * built on first read after a change, so a replace does work proportional to the connectors it touches,
 * not to the whole catalogue.
 */
export class KindState {
  readonly spec: KindSpec;
  readonly #byKey = new Map<string, CatalogueEntry>();
  readonly #byConnector = new Map<string, readonly CatalogueEntry[]>();
  #snapshot: readonly CatalogueEntry[] | undefined = NO_ENTRIES;

  constructor(spec: KindSpec) {
    this.spec = spec;
  }

  /** All entries, connectors in the order they first got one; the same frozen array until a change. */
  list(): readonly CatalogueEntry[] {
    this.#snapshot ??= Object.freeze([...this.#byConnector.values()].flat());
    return this.#snapshot;
  }

  /** The entry with this public name or URI, in O(1). */
  get(key: string): CatalogueEntry | undefined {
    return this.#byKey.get(key);
  }

  /** The connector serving this public name or URI, if any. */
  ownerOf(key: string): string | undefined {
    return this.#byKey.get(key)?.metadata.connectorId;
  }

  /** One connector's entries (frozen; empty when none). */
  connector(connectorId: string): readonly CatalogueEntry[] {
    return this.#byConnector.get(connectorId) ?? NO_ENTRIES;
  }

  /**
   * Installs `updates` in one synchronous step and returns what clients can see changed. When no
   * connector's list changed at all (not even a handler), nothing happens and the snapshot stays.
   */
  install(updates: KindUpdates): Installed {
    const previous = new Map([...updates.keys()].map((id) => [id, this.connector(id)]));
    if ([...updates].every(([id, next]) => sameEntries(previous.get(id) ?? NO_ENTRIES, next))) {
      return { change: NO_CHANGE, dropped: NO_ENTRIES, placed: NO_ENTRIES };
    }
    const change = this.#diff(previous, updates);
    const before = new Set([...previous.values()].flat());
    const after = new Set([...updates.values()].flat());
    for (const entry of before) this.#byKey.delete(entryKey(this.spec, entry));
    for (const entry of after) this.#byKey.set(entryKey(this.spec, entry), entry);
    for (const [connectorId, next] of updates) {
      if (next.length === 0) this.#byConnector.delete(connectorId);
      else this.#byConnector.set(connectorId, Object.freeze([...next]));
    }
    this.#snapshot = undefined;
    return {
      change,
      dropped: [...before].filter((entry) => !after.has(entry)),
      placed: [...after].filter((entry) => !before.has(entry)),
    };
  }

  #diff(previous: ReadonlyMap<string, readonly CatalogueEntry[]>, updates: KindUpdates): ToolRegistryChange {
    const key = (entry: CatalogueEntry) => entryKey(this.spec, entry);
    const before = new Map([...previous.values()].flat().map((entry) => [key(entry), entry]));
    const nextKeys = new Set([...updates.values()].flat().map(key));
    const added: string[] = [];
    const changed: string[] = [];
    for (const entry of [...updates.values()].flat()) {
      const old = before.get(key(entry));
      if (old === undefined) added.push(key(entry));
      else if (old !== entry && !this.spec.sameVisible(old, entry)) changed.push(key(entry));
    }
    const removed = [...before.keys()].filter((name) => !nextKeys.has(name));
    return Object.freeze({
      added: Object.freeze(added),
      removed: Object.freeze(removed),
      changed: Object.freeze(changed),
    });
  }
}

/** True when the lists are identical entry by entry (same objects, same order). */
export function sameEntries(left: readonly CatalogueEntry[], right: readonly CatalogueEntry[]): boolean {
  return left.length === right.length && left.every((entry, index) => entry === right[index]);
}

/** True when a change lists anything. */
export function isEffective(change: ToolRegistryChange): boolean {
  return change.added.length + change.removed.length + change.changed.length > 0;
}
