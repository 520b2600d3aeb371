import type { ServerInfo } from '@cortex-mcp/registry-fs-store';
import type {
  RegisteredTool,
  ToolCallContext,
  ToolHandler,
  VersionedToolRegistry,
} from '@cortex-mcp/tool-registry';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  type CatalogueCounts,
  type ConnectorSpec,
  catalogueCounts,
  registerConnectorCatalogue,
  type ServedCatalogue,
  type SpecDefaults,
} from '../connectors/index.js';
import { ConnectorManagerError } from '../errors.js';
import {
  planWarmStart,
  readWarmState,
  type WarmCandidate,
  type WarmState,
  WarmStateStore,
} from '../state/index.js';
import { type HeldMapFacts, type HostStatus, preliminaryStatus, registryStatus } from '../status/index.js';
import type { StartupLogger } from './deferred-logger.js';

/** What the warm catalogue reads: where the state and the registry file are, how to verify the map and build specs. */
export interface WarmCatalogueSettings {
  readonly stateDir: string;
  readonly registryPath: string;
  readonly serviceMapUrl: string | undefined;
  readonly signatureKeys: readonly string[];
  readonly specDefaults: SpecDefaults;
}

/** Options of {@link WarmCatalogue.load}. */
export interface WarmCatalogueOptions {
  readonly config: WarmCatalogueSettings;
  readonly registry: VersionedToolRegistry;
  /** Reported in the preliminary `/status`. */
  readonly version: string;
  /** Epoch-ms clock (map freshness, status times). Default `Date.now`. */
  readonly clock?: () => number;
  /** A call reached a persisted tool before the connect phase started: start it now. */
  readonly onEarlyCall?: () => void;
  /** Where problems with the files go (a corrupt file, a quarantined registry file): read once, reported once. */
  readonly logger: StartupLogger;
}

/** One connector served from the persisted catalogue. */
interface AdoptedConnector {
  readonly spec: ConnectorSpec;
  readonly counts: CatalogueCounts;
  readonly instructions: string | undefined;
}

/**
 * The persisted catalogue, registered before the connect phase is loaded — the first `tools/list` of a warm
 * start needs nothing else. {@link WarmCatalogue.read} reads the warm state once (`readWarmState`: the registry
 * file, the persisted map verified, the catalogues) and applies the warm-start plan (`planWarmStart`), the rule the
 * manager applies too; the manager then adopts the same {@link WarmCatalogue.state} instead of reading it again.
 * {@link WarmCatalogue.serve} registers, synchronously, with `registerConnectorCatalogue` as the manager does.
 *
 * The tools it registers are placeholders: a call waits for {@link WarmCatalogue.handOver} (the manager has
 * started and re-registered the same tools with its own handlers) and is then routed to the manager's handler.
 * Until then {@link WarmCatalogue.status} and {@link WarmCatalogue.ready} stand in for the manager's.
 */
export class WarmCatalogue {
  readonly #registry: VersionedToolRegistry;
  readonly #state: WarmState;
  readonly #candidates: readonly WarmCandidate[];
  readonly #onEarlyCall: (() => void) | undefined;
  readonly #adopted: AdoptedConnector[] = [];
  #served = false;
  readonly #skipped: readonly ServerInfo[];
  readonly #map: HeldMapFacts | undefined;
  readonly #serviceMapUrl: string | undefined;
  readonly #ready: boolean;
  readonly #version: string;
  readonly #clock: () => number;
  readonly #startedAtMs: number;
  readonly #placeholders = new WeakSet<ToolHandler>();
  readonly #handedOver: Promise<void>;
  #settle: (error?: unknown) => void = () => {};

  private constructor(
    options: WarmCatalogueOptions,
    facts: {
      state: WarmState;
      candidates: readonly WarmCandidate[];
      skipped: readonly ServerInfo[];
      map: HeldMapFacts | undefined;
      ready: boolean;
      startedAtMs: number;
    },
  ) {
    this.#registry = options.registry;
    this.#state = facts.state;
    this.#candidates = facts.candidates;
    this.#onEarlyCall = options.onEarlyCall;
    this.#skipped = facts.skipped;
    this.#map = facts.map;
    this.#serviceMapUrl = options.config.serviceMapUrl;
    this.#ready = facts.ready;
    this.#version = options.version;
    this.#clock = options.clock ?? Date.now;
    this.#startedAtMs = facts.startedAtMs;
    this.#handedOver = new Promise<void>((resolve, reject) => {
      this.#settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // A call waiting here when the connect phase fails must not also surface as an unhandled rejection.
    this.#handedOver.catch(() => undefined);
  }

  /**
   * Reads the warm state (registry file, persisted map verified with the configured keys, persisted catalogue) and
   * picks the catalogue of every enabled connector it still describes; registers nothing yet. Never throws for a
   * missing, corrupt or unverifiable file: it serves less; a corrupt file is reported here (it is read only here),
   * a map that does not verify by the manager when it adopts the state.
   */
  static async read(options: WarmCatalogueOptions): Promise<WarmCatalogue> {
    const { config } = options;
    const clock = options.clock ?? Date.now;
    const startedAtMs = clock();
    const store = new WarmStateStore({ stateDir: config.stateDir, logger: options.logger });
    const state = await readWarmState({
      store,
      registryPath: config.registryPath,
      serviceMapUrl: config.serviceMapUrl,
      signatureKeys: config.signatureKeys,
      clock,
      logger: options.logger,
    });
    const verified = state.map?.verified.ok ? state.map.verified : undefined;
    const plan = planWarmStart({
      map: verified?.payload,
      servers: state.registryFile && state.registryFailure === undefined ? state.registryFile.getAll() : [],
      hasMapUrl: config.serviceMapUrl !== undefined,
      registryRead: state.registryFailure === undefined,
      catalogue: (connectorId) => state.catalogue.get(connectorId),
      specDefaults: config.specDefaults,
    });
    return new WarmCatalogue(options, {
      state,
      candidates: plan.candidates,
      skipped: plan.skipped,
      map: verified,
      ready: plan.ready,
      startedAtMs,
    });
  }

  /** What this start read from disk, for the manager to adopt instead of reading it again. */
  get state(): WarmState {
    return this.#state;
  }

  /** Whether there is a persisted catalogue to serve (false: a cold start, nothing to serve early). */
  get hasCatalogue(): boolean {
    return this.#candidates.length > 0;
  }

  /**
   * Registers every picked catalogue, exactly as `ManagedConnector` does (a catalogue the registry refuses is left
   * out; the manager logs it when it tries the same). Synchronous, so no request is handled half-way. Once.
   */
  serve(): void {
    if (this.#served) return;
    this.#served = true;
    for (const { spec, catalogue } of this.#candidates) {
      if (this.#register(spec, catalogue)) {
        this.#adopted.push({
          spec,
          counts: catalogueCounts(catalogue),
          instructions: catalogue.instructions,
        });
      }
    }
  }

  /** What `/readyz` says until the manager has started: the manager's own rule applied to the same files. */
  get ready(): boolean {
    return this.#ready;
  }

  /** The `/status` document until the manager has started: the persisted map and connectors, all connecting. */
  status(): HostStatus {
    return preliminaryStatus({
      version: this.#version,
      startedAtMs: this.#startedAtMs,
      nowMs: this.#clock(),
      ready: this.#ready,
      serviceMapUrl: this.#serviceMapUrl,
      map: this.#map,
      connectors: this.#adopted,
      skipped: this.#skipped,
      registry: registryStatus(this.#registry),
    });
  }

  /**
   * The manager has started: its warm load registered the same catalogues with its own handlers. Calls that waited
   * are routed to those; a connector the manager did not take over (its files changed in between) is removed.
   *
   * @param runs - whether the manager runs a connector (a connector without tools has no handler to tell by).
   */
  handOver(runs: (connectorId: string) => boolean = () => true): void {
    for (const { spec } of this.#adopted) {
      const tools = this.#registry.getConnectorTools(spec.id);
      const placeholders = tools.length > 0 && tools.every((tool) => this.#placeholders.has(tool.handler));
      if (placeholders || !runs(spec.id)) this.#registry.removeConnector(spec.id);
    }
    this.#settle();
  }

  /** The persisted instructions of the connectors it serves, in connector-id order (until the manager has started). */
  instructions(): { connectorId: string; instructions: string }[] {
    return this.#adopted
      .filter((adopted) => adopted.instructions)
      .map((adopted) => ({ connectorId: adopted.spec.id, instructions: adopted.instructions as string }))
      .sort((left, right) => (left.connectorId < right.connectorId ? -1 : 1));
  }

  /** Resolves once the manager has taken over (rejects when the connect phase could not start). */
  get handedOver(): Promise<void> {
    return this.#handedOver;
  }

  /** The connect phase could not start: calls that wait for it fail with `error`. */
  abandon(error: unknown): void {
    this.#settle(error);
  }

  /**
   * Registers one connector's persisted catalogue as the manager does (`registerConnectorCatalogue`), with tool
   * handlers that wait for the hand-over; false if the registry refused it (the manager logs it when it tries the same).
   */
  #register(spec: ConnectorSpec, catalogue: ServedCatalogue): boolean {
    try {
      registerConnectorCatalogue(this.#registry, spec, catalogue, (originalName, args, context) => {
        this.#onEarlyCall?.();
        return this.#forward(spec.id, originalName, args, context) as Promise<CallToolResult>;
      });
    } catch {
      return false;
    }
    for (const tool of this.#registry.getConnectorTools(spec.id)) this.#placeholders.add(tool.handler);
    return true;
  }

  async #forward(
    connectorId: string,
    originalName: string,
    args: Record<string, unknown>,
    context: ToolCallContext,
  ): Promise<unknown> {
    await this.#handedOver;
    const tool = this.#registry
      .getConnectorTools(connectorId)
      .find((candidate) => candidate.metadata.originalName === originalName);
    if (!tool || this.#placeholders.has(tool.handler)) throw notTakenOver(connectorId, originalName);
    return (tool as RegisteredTool).handler(args, context);
  }
}

function notTakenOver(connectorId: string, originalName: string): ConnectorManagerError {
  return new ConnectorManagerError(
    'unavailable',
    `The tool "${originalName}" of connector "${connectorId}" is no longer configured (the warm-start files changed while the host started); list the tools again.`,
    { connectorId },
  );
}
