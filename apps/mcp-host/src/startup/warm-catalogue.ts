import { readFile } from 'node:fs/promises';
import { parseRegistryText, type ServerInfo } from '@cortex-mcp/registry-fs-store';
import type { ServiceMapPayload } from '@cortex-mcp/service-map-loader';
import type {
  ConnectorToolDefinition,
  RegisteredTool,
  ToolCallContext,
  ToolHandler,
  VersionedToolRegistry,
} from '@cortex-mcp/tool-registry';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import {
  type ConnectorSpec,
  catalogueFingerprint,
  desiredSpecs,
  type SpecDefaults,
} from '../connectors/index.js';
import { ConnectorManagerError } from '../errors.js';
import type { Logger } from '../logger.js';
import { WarmStateStore } from '../state/index.js';
import type { HostStatus } from '../status/index.js';
import { type HeldMapFacts, preliminaryStatus } from '../status/index.js';
import { DISCARD_LOGGER } from './deferred-logger.js';

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
}

/** One connector served from the persisted catalogue. */
interface AdoptedConnector {
  readonly spec: ConnectorSpec;
  readonly toolCount: number;
}

/** A connector the warm state describes, with its persisted tools. */
interface Candidate {
  readonly spec: ConnectorSpec;
  readonly tools: readonly Tool[];
}

/**
 * The persisted tool catalogue, registered before the connect phase is loaded — the first `tools/list` of a warm
 * start needs nothing else. It makes the same choice as the manager's own warm load (same files, same
 * `desiredSpecs`, same fingerprints, same registration), without its side effects: no file is repaired or written.
 * {@link WarmCatalogue.read} reads and decides; {@link WarmCatalogue.serve} registers, synchronously.
 *
 * The tools it registers are placeholders: a call waits for {@link WarmCatalogue.handOver} (the manager has
 * started and re-registered the same tools with its own handlers) and is then routed to the manager's handler.
 * Until then {@link WarmCatalogue.status} and {@link WarmCatalogue.ready} stand in for the manager's.
 */
export class WarmCatalogue {
  readonly #registry: VersionedToolRegistry;
  readonly #candidates: readonly Candidate[];
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
      candidates: Candidate[];
      skipped: ServerInfo[];
      map: HeldMapFacts | undefined;
      ready: boolean;
      startedAtMs: number;
    },
  ) {
    this.#registry = options.registry;
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
   * Reads the warm state (registry file, persisted map re-verified with the configured keys, persisted catalogue)
   * and picks the catalogue of every enabled connector it still describes; registers nothing yet. Never throws for a
   * missing, corrupt or unverifiable file: it serves less, and the manager reports the problem when it loads them.
   */
  static async read(options: WarmCatalogueOptions): Promise<WarmCatalogue> {
    const { config } = options;
    const clock = options.clock ?? Date.now;
    const startedAtMs = clock();
    // The manager logs every problem with these files when it reads them; reading them here stays quiet. (The store
    // only ever calls warn(); a pino instance would pull pino into the start-up path.)
    const store = new WarmStateStore({
      stateDir: config.stateDir,
      logger: DISCARD_LOGGER as unknown as Logger,
    });
    const [registryFile, map, catalogue] = await Promise.all([
      readRegistryServers(config.registryPath),
      restoreMap(store, config, clock),
      store.readCatalogue(),
    ]);
    const { specs, skipped } = desiredSpecs(map?.payload, registryFile.servers, config.specDefaults);
    const candidates: Candidate[] = [];
    for (const spec of specs) {
      const entry = catalogue.get(spec.id);
      if (spec.enabled && entry?.fingerprint === catalogueFingerprint(spec)) {
        candidates.push({ spec, tools: entry.tools });
      }
    }
    const ready =
      map !== undefined || candidates.length > 0 || (config.serviceMapUrl === undefined && registryFile.read);
    return new WarmCatalogue(options, { candidates, skipped, map, ready, startedAtMs });
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
    for (const { spec, tools } of this.#candidates) {
      if (this.#register(spec, tools)) this.#adopted.push({ spec, toolCount: tools.length });
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
      registry: { version: this.#registry.version, toolCount: this.#registry.listTools().length },
    });
  }

  /**
   * The manager has started: its warm load registered the same tools with its own handlers. Calls that waited
   * are routed to those; a connector the manager did not take over (its files changed in between) is removed.
   */
  handOver(): void {
    for (const { spec } of this.#adopted) {
      const tools = this.#registry.getConnectorTools(spec.id);
      if (tools.length > 0 && tools.every((tool) => this.#placeholders.has(tool.handler))) {
        this.#registry.removeConnector(spec.id);
      }
    }
    this.#settle();
  }

  /** The connect phase could not start: calls that wait for it fail with `error`. */
  abandon(error: unknown): void {
    this.#settle(error);
  }

  /** Registers one connector's persisted tools; false if the registry refused them. */
  #register(spec: ConnectorSpec, tools: readonly Tool[]): boolean {
    const onEarlyCall = this.#onEarlyCall;
    const metadata = { scopes: [...spec.scopes], tags: [], ...(spec.brand ? { brand: spec.brand } : {}) };
    const definitions = tools.map((tool): ConnectorToolDefinition => {
      const handler: ToolHandler = async (args, context) => {
        onEarlyCall?.();
        return this.#forward(spec.id, tool.name, args, context);
      };
      this.#placeholders.add(handler);
      return { ...tool, handler, metadata } as ConnectorToolDefinition;
    });
    try {
      this.#registry.replaceConnectorTools(
        spec.id,
        definitions,
        spec.namespace === undefined ? undefined : { namespace: spec.namespace },
      );
      return true;
    } catch {
      // A malformed catalogue: the manager logs it when it tries the same, and waits for the live listing.
      return false;
    }
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

/**
 * The registry file's servers, read without side effects (the manager repairs what needs repairing). `read` is false
 * when the file exists but cannot be read; a missing file reads as empty, a corrupt one as empty.
 */
async function readRegistryServers(registryPath: string): Promise<{ servers: ServerInfo[]; read: boolean }> {
  let text: string;
  try {
    text = await readFile(registryPath, 'utf8');
  } catch (error) {
    return { servers: [], read: (error as NodeJS.ErrnoException).code === 'ENOENT' };
  }
  const parsed = parseRegistryText(text);
  return { servers: parsed.kind === 'ok' ? parsed.servers : [], read: true };
}

/** The persisted map if it still verifies with the configured keys. */
async function restoreMap(
  store: WarmStateStore,
  config: WarmCatalogueSettings,
  clock: () => number,
): Promise<(HeldMapFacts & { payload: ServiceMapPayload }) | undefined> {
  const { serviceMapUrl, signatureKeys } = config;
  if (serviceMapUrl === undefined) return undefined;
  const text = await store.readMapText();
  if (text === undefined) return undefined;
  // Loaded only when there is a map to verify: the loader module also holds the map's HTTP client.
  const { parseServiceMap } = await import('@cortex-mcp/service-map-loader');
  try {
    const verified = parseServiceMap(text, { signatureKeys, serviceMapUrl, clock });
    return { payload: verified.payload, expiresAtMs: verified.expiresAtMs };
  } catch {
    return undefined;
  }
}
