import type { ServedCatalogue } from '../connectors/index.js';
import { type CatalogueEntry, parseServedCatalogue, type WarmStateStore } from './warm-state-store.js';

/**
 * The per-connector catalogues (tools, resources, templates, prompts, instructions) as persisted in `catalogue.json`. Changes mark it dirty; `save()` writes the
 * whole book once (a sync saves once at its end, a `list_changed` outside a sync saves at once).
 */
export class CatalogueBook {
  readonly #store: WarmStateStore;
  readonly #clock: () => number;
  #entries = new Map<string, CatalogueEntry>();
  #dirty = false;

  constructor(store: WarmStateStore, clock: () => number) {
    this.#store = store;
    this.#clock = clock;
  }

  /** Takes the persisted book as the start read it (`readWarmState`). */
  adopt(entries: ReadonlyMap<string, CatalogueEntry>): void {
    this.#entries = new Map(entries);
  }

  /** The entry of `connectorId`, whatever fingerprint it was saved under. */
  entry(connectorId: string): CatalogueEntry | undefined {
    return this.#entries.get(connectorId);
  }

  /**
   * Adds entries shared by other hosts (through Redis) for connectors this host has no entry of, so a new host
   * serves the fleet's catalogue at once. Local entries win; shared ones are not marked dirty (nothing changed here).
   */
  adoptShared(shared: ReadonlyMap<string, { fingerprint: string; tools: readonly unknown[] }>): number {
    let adopted = 0;
    for (const [connectorId, entry] of shared) {
      if (this.#entries.has(connectorId)) continue;
      const catalogue = parseServedCatalogue(entry);
      if (!catalogue) continue;
      this.#entries.set(connectorId, {
        ...catalogue,
        fingerprint: entry.fingerprint,
        savedAtMs: this.#clock(),
      });
      adopted += 1;
    }
    return adopted;
  }

  /** Records a connector's catalogue; marks the book dirty only when the catalogue or the fingerprint changed. */
  record(connectorId: string, fingerprint: string, catalogue: ServedCatalogue): void {
    const previous = this.#entries.get(connectorId);
    if (previous?.fingerprint === fingerprint && sameCatalogue(previous, catalogue)) return;
    this.#entries.set(connectorId, { ...catalogue, fingerprint, savedAtMs: this.#clock() });
    this.#dirty = true;
  }

  /** Drops every entry whose connector is not in `keep`. */
  retainOnly(keep: ReadonlySet<string>): void {
    for (const id of [...this.#entries.keys()]) {
      if (keep.has(id)) continue;
      this.#entries.delete(id);
      this.#dirty = true;
    }
  }

  /** Writes the book if it changed since the last save. */
  async save(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    await this.#store.saveCatalogue(this.#entries);
  }
}

function sameCatalogue(left: ServedCatalogue, right: ServedCatalogue): boolean {
  return (
    left.instructions === right.instructions &&
    JSON.stringify([left.tools, left.resources, left.resourceTemplates, left.prompts]) ===
      JSON.stringify([right.tools, right.resources, right.resourceTemplates, right.prompts])
  );
}
