import type { ConnectorSpec, ServedCatalogue } from '../connectors/index.js';
import type { ToolPinBook } from '../state/index.js';
import type { ConnectorStatus } from '../status/index.js';
import type { UpstreamPool } from '../upstream/index.js';
import { ManagedConnector } from './managed-connector.js';
import type { ResolvedManagerOptions } from './options.js';

/** What {@link RunningConnectors} builds its connectors with. */
export interface RunningConnectorsOptions {
  readonly options: ResolvedManagerOptions;
  readonly pool: UpstreamPool;
  readonly pins: ToolPinBook;
  /** A connector's registered catalogue changed (live listing, or list_changed). */
  readonly onCatalogueChange: (connector: ManagedConnector, catalogue: ServedCatalogue) => void;
}

/**
 * The connectors the manager runs, by id: created on the shared pools, replaced when their connection changes,
 * removed with their tools, and disconnected together. Never two proxies for one id.
 */
export class RunningConnectors {
  /** The running connectors by id (what reconciliation compares the desired specs with). */
  readonly byId = new Map<string, ManagedConnector>();
  readonly #deps: RunningConnectorsOptions;

  constructor(deps: RunningConnectorsOptions) {
    this.#deps = deps;
  }

  /** A new connector for `spec`, not yet connected. */
  create(spec: ConnectorSpec): ManagedConnector {
    const { options, pool, pins } = this.#deps;
    const existing = this.byId.get(spec.id);
    if (existing) {
      // Never two proxies for one id: the replaced one would stay connected, unowned, until the process dies.
      options.logger.error(
        { connectorId: spec.id },
        'a connector was created twice; closing the older proxy',
      );
      void existing.disconnect().catch(() => undefined);
    }
    const connector = new ManagedConnector(spec, {
      ...options,
      pins,
      apiKey: options.apiKey,
      dispatcher: options.perConnectorAgent ? pool.ownRequestAgent() : pool.requests,
      streamDispatcher: pool.streams,
      onCatalogueChange: (_id, catalogue) => this.#deps.onCatalogueChange(connector, catalogue),
    });
    this.byId.set(spec.id, connector);
    return connector;
  }

  /** Disconnects the connector of `spec.id` and creates its successor, which lists the old catalogue until it connects. */
  async replace(spec: ConnectorSpec): Promise<ManagedConnector> {
    const previous = this.byId.get(spec.id);
    // Read before the disconnect, which ends them: the successor subscribes again once it is connected.
    const subscriptions = [...(previous?.subscriptions ?? [])];
    await previous?.disconnect();
    const connector = this.create(spec);
    // Keep the old catalogue listed (handlers now wait for the new connection) until the new listing replaces them.
    if (previous?.catalogue) connector.adoptCatalogue(previous.catalogue);
    connector.carrySubscriptions(subscriptions);
    return connector;
  }

  /** Unregisters the connector's tools and disconnects it. */
  async remove(id: string): Promise<void> {
    const connector = this.byId.get(id);
    this.byId.delete(id);
    this.#deps.options.registry.removeConnector(id);
    await connector?.disconnect();
  }

  /** Runs `reload` (the pins were re-read) and re-reviews the connectors that had changed tools before it. */
  async reviewChangedPins(reload: () => Promise<void>): Promise<void> {
    const before = new Map([...this.byId].map(([id, connector]) => [id, connector.changedTools.length]));
    await reload();
    for (const [id, changed] of before) if (changed > 0) this.byId.get(id)?.reviewPins();
  }

  /** Disconnects every connector (their tools stay registered: the host is shutting down). */
  async disconnectAll(): Promise<void> {
    await Promise.allSettled([...this.byId.values()].map((connector) => connector.disconnect()));
  }

  statuses(): ConnectorStatus[] {
    return [...this.byId.values()].map((connector) => connector.status());
  }
}
