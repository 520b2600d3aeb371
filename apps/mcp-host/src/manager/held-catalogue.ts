import type { CatalogueKind } from '@cortex-mcp/connector-proxy';
import type { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import {
  type CatalogueCounts,
  type ConnectorSpec,
  type ConnectorToolCall,
  catalogueCounts,
  registerConnectorCatalogue,
  type ServedCatalogue,
} from '../connectors/index.js';
import type { HostMetrics } from '../metrics.js';
import type { ToolPinBook } from '../state/index.js';
import type { ConnectorStatus } from '../status/index.js';

/** What a {@link HeldCatalogue} registers with. */
export interface HeldCatalogueDeps {
  readonly registry: VersionedToolRegistry;
  readonly metrics: HostMetrics;
  /** Reviews live tool lists against the pinned definitions (rug-pull defence). */
  readonly pins: ToolPinBook;
}

const KIND_COUNTS: Record<CatalogueKind, keyof CatalogueCounts> = {
  tools: 'toolCount',
  resources: 'resourceCount',
  resourceTemplates: 'resourceTemplateCount',
  prompts: 'promptCount',
};

/**
 * What one connector has in the registry: the catalogue it serves (live or persisted), the last live listing as the
 * upstream sent it (before pin review withheld any tool), and the `mcp_connector_catalogue_items` gauge.
 */
export class HeldCatalogue {
  readonly #connectorId: string;
  readonly #deps: HeldCatalogueDeps;
  #served: ServedCatalogue | undefined;
  #live: ServedCatalogue | undefined;
  #source: ConnectorStatus['catalogue'] = 'none';

  constructor(connectorId: string, deps: HeldCatalogueDeps) {
    this.#connectorId = connectorId;
    this.#deps = deps;
  }

  /** The catalogue registered now (tools after pin review), or undefined before the first one. */
  get served(): ServedCatalogue | undefined {
    return this.#served;
  }

  /** The last live listing, before pin review; undefined until the connector listed once. */
  get live(): ServedCatalogue | undefined {
    return this.#live;
  }

  /** Where the registered catalogue came from, for `/status`. */
  get source(): ConnectorStatus['catalogue'] {
    return this.#source;
  }

  /** Item counts of the registered catalogue. */
  counts(): CatalogueCounts {
    return catalogueCounts(this.#served);
  }

  /** Registers a persisted (or carried-over) catalogue. Throws what the registry throws. */
  adopt(spec: ConnectorSpec, catalogue: ServedCatalogue, callTool: ConnectorToolCall): void {
    this.#register(spec, catalogue, callTool, 'persisted');
  }

  /**
   * Registers a live listing: tools go through pin review first. Returns what was registered (what the warm start
   * and the fleet should keep).
   */
  registerLive(
    spec: ConnectorSpec,
    catalogue: ServedCatalogue,
    callTool: ConnectorToolCall,
  ): ServedCatalogue {
    this.#live = catalogue;
    const served = { ...catalogue, tools: this.#deps.pins.review(this.#connectorId, catalogue.tools) };
    this.#register(spec, served, callTool, 'live');
    return served;
  }

  /** Registers the held catalogue again under a new spec (scopes, brand or namespace changed). */
  reregister(spec: ConnectorSpec, callTool: ConnectorToolCall): void {
    if (this.#served)
      this.#register(spec, this.#served, callTool, this.#source === 'live' ? 'live' : 'persisted');
  }

  /** The live listing with one kind replaced (after the upstream's `list_changed`). */
  withKind(kind: CatalogueKind, items: readonly unknown[]): ServedCatalogue {
    const base = this.#live ??
      this.#served ?? { tools: [], resources: [], resourceTemplates: [], prompts: [] };
    return { ...base, [kind]: items } as ServedCatalogue;
  }

  /** Names of tools whose live definition differs from the approved pin (withheld under the `block` policy). */
  changedTools(): string[] {
    return this.#deps.pins.changedTools(this.#connectorId);
  }

  /** The `changedTools` member of the connector's `/status` entry: absent when none changed. */
  pinStatus(): Pick<ConnectorStatus, 'changedTools'> {
    const changed = this.changedTools();
    return changed.length > 0 ? { changedTools: changed } : {};
  }

  /** Drops the item gauges (the connector is gone). */
  dispose(): void {
    for (const kind of Object.keys(KIND_COUNTS)) {
      this.#deps.metrics.catalogueItems.remove({ connector_id: this.#connectorId, kind });
    }
  }

  #register(
    spec: ConnectorSpec,
    catalogue: ServedCatalogue,
    callTool: ConnectorToolCall,
    source: 'live' | 'persisted',
  ): void {
    registerConnectorCatalogue(this.#deps.registry, spec, catalogue, callTool);
    this.#served = catalogue;
    this.#source = source;
    const counts = this.counts();
    for (const [kind, count] of Object.entries(KIND_COUNTS)) {
      this.#deps.metrics.catalogueItems.set({ connector_id: this.#connectorId, kind }, counts[count]);
    }
  }
}
