import { RefreshScheduler } from '@cortex-mcp/refresh-scheduler';
import type { RegistryMemoryCache, ServerInfo } from '@cortex-mcp/registry-fs-store';
import type { ServiceMapPayload } from '@cortex-mcp/service-map-loader';
import type { Agent } from 'undici';
import {
  type ConnectorSpec,
  catalogueFingerprint,
  desiredSpecs,
  metadataDiffers,
  type SpecDefaults,
} from '../connectors/index.js';
import { ConnectorManagerError, describeFailure } from '../errors.js';
import {
  CatalogueBook,
  planWarmStart,
  readWarmState,
  STATE_FILES,
  ToolPinBook,
  type WarmState,
  WarmStateStore,
} from '../state/index.js';
import type { HostStatus, SyncSummary } from '../status/index.js';
import { disabledStatus, emptyMapStatus, skippedStatus } from '../status/index.js';
import { createHostPool, type UpstreamPool } from '../upstream/index.js';
import { ManagedConnector } from './managed-connector.js';
import { MapRetry } from './map-retry.js';
import {
  type ConnectorProxyManagerOptions,
  type ResolvedManagerOptions,
  resolveManagerOptions,
} from './options.js';
import { connectAll } from './parallel-connect.js';
import { planReconcile } from './reconcile.js';
import { ServiceMapSource } from './service-map-source.js';
import { summarizeSync } from './sync-summary.js';

/**
 * The host's sync pipeline: scheduler → map cache → loader (stale on error) → reconcile → bounded parallel connects
 * → atomic per-connector tool replacement → one aggregate log line and metrics. Map connectors and registry-file
 * servers share one pipeline and one undici `Agent`; the verified map and tool catalogues persist in `stateDir`
 * for a warm start.
 */
export class ConnectorProxyManager {
  readonly #options: ResolvedManagerOptions;
  readonly #pool: UpstreamPool;
  readonly #store: WarmStateStore;
  readonly #catalogue: CatalogueBook;
  readonly #mapSource: ServiceMapSource | undefined;
  #registryFile: RegistryMemoryCache | undefined;
  readonly #scheduler: RefreshScheduler | undefined;
  readonly #mapRetry: MapRetry;
  readonly #pins: ToolPinBook;
  readonly #connectors = new Map<string, ManagedConnector>();
  readonly #abort = new AbortController();
  readonly #startedAtMs: number;
  readonly #warnedDuplicates = new Set<string>();
  #disabled: ConnectorSpec[] = [];
  #skipped: ServerInfo[] = [];
  #registryRead = false;
  #ready = false;
  #syncing = false;
  #inflight: Promise<SyncSummary> | undefined;
  #lastSync: SyncSummary | null = null;
  /** The latest {@link RECENT_SYNCS} summaries, oldest first, for the status page's history. */
  readonly #recentSyncs: SyncSummary[] = [];
  #starting: Promise<void> | undefined;
  /**
   * False while the warm state loads. A shared map that arrives from the fleet meanwhile (joining Redis happens in
   * that step) must not start a sync: it would create connectors that the warm load then creates again, orphaning
   * the first set. The sync that follows the warm load reads the shared map anyway.
   */
  #warmStateLoaded = false;
  #closing: Promise<void> | undefined;

  /** @throws {ConnectorManagerError} `invalid_options`. */
  constructor(options: ConnectorProxyManagerOptions) {
    const resolved = resolveManagerOptions(options);
    this.#options = resolved;
    this.#startedAtMs = resolved.clock();
    this.#pool = createHostPool(resolved.upstream, resolved.serviceMapUrl);
    this.#store = new WarmStateStore({
      stateDir: resolved.stateDir,
      logger: resolved.logger,
      onWrite: (file, durationMs) =>
        resolved.metrics.registryFlushDuration.observe(
          { store: file === STATE_FILES.catalogue ? 'catalogue' : 'service-map' },
          durationMs / 1000,
        ),
    });
    this.#catalogue = new CatalogueBook(this.#store, resolved.clock);
    this.#pins = new ToolPinBook({
      policy: resolved.toolPinPolicy,
      storage: this.#store,
      logger: resolved.logger,
      clock: resolved.clock,
    });
    if (resolved.serviceMapUrl !== undefined) {
      this.#mapSource = new ServiceMapSource({
        serviceMapUrl: resolved.serviceMapUrl,
        signatureKeys: resolved.signatureKeys,
        apiKey: resolved.apiKey,
        sendEtag: resolved.serviceMapEtag,
        dispatcher: this.#pool.requests,
        timeoutMs: resolved.mapTimeoutMs,
        maxBytes: resolved.mapMaxBytes,
        clock: resolved.clock,
        logger: resolved.logger,
        metrics: resolved.metrics,
        store: this.#store,
        redis: resolved.redis
          ? {
              url: resolved.redis.url,
              keyPrefix: resolved.redis.keyPrefix,
              leaseMs: resolved.redis.leaseMs,
            }
          : undefined,
        onSharedMapChange: () => {
          if (this.#warmStateLoaded) void this.#run('fleet', false).catch(() => undefined);
        },
        onRedisHealth: (up) =>
          resolved.metrics.redisUp.set({ target: redisTarget(resolved.redis?.url) }, up ? 1 : 0),
      });
    }
    this.#mapRetry = new MapRetry({
      baseDelayMs: Math.min(MAP_RETRY_BASE_DELAY_MS, resolved.refreshIntervalMs),
      maxDelayMs: resolved.refreshIntervalMs,
      jitterFactor: resolved.jitterFactor,
      random: resolved.random,
      timers: resolved.timers,
      onRetry: () => void this.#run('map-retry', true).catch(() => undefined),
    });
    if (!resolved.refreshSync) {
      this.#scheduler = new RefreshScheduler({
        intervalMs: resolved.refreshIntervalMs,
        jitterFactor: resolved.jitterFactor,
        onRefresh: () => this.#run('timer', false).catch(() => undefined),
        logger: resolved.logger,
        clock: resolved.clock,
        random: resolved.random,
        timers: resolved.timers,
      });
    }
  }

  /** The shared undici `Agent` (connections as configured, pipelining 1, keep-alive); closed by `disconnect()`. */
  get agent(): Agent {
    return this.#pool.agent;
  }

  /** Whether the shared pool reaches `origin` (e.g. `https://maps.example:443`) over HTTP/2. */
  isHttp2Origin(origin: string): boolean {
    return this.#pool.isHttp2(origin);
  }

  /** The registry-file store (for upserts by the host), when `registryPath` is set. */
  get registryFile(): RegistryMemoryCache | undefined {
    return this.#registryFile;
  }

  /** True once a usable map (fresh or stale) or a persisted catalogue is loaded, or the registry file was read without a map URL. */
  get ready(): boolean {
    return this.#ready;
  }

  /**
   * Loads the warm state (registry file, persisted map, persisted catalogues: their tools are registered at once).
   * Sync mode: then runs one full sync and resolves after it. Async mode: resolves at once, syncs in the background
   * and starts the scheduler. Idempotent.
   *
   * @throws {ConnectorManagerError} `closed` after `disconnect()`.
   */
  start(): Promise<void> {
    if (this.#closing) return Promise.reject(closedError());
    this.#starting ??= this.#start();
    return this.#starting;
  }

  /**
   * Runs a sync now, or joins the one in flight; resolves with its summary. A forced refresh reloads the map even
   * while it is fresh (sending the held ETag, so an unchanged map costs a 304). Never rejects for a failed map or
   * connector.
   *
   * @throws {ConnectorManagerError} `closed` after `disconnect()`.
   */
  refresh(reason = 'forced'): Promise<SyncSummary> {
    return this.#run(reason, true);
  }

  #run(reason: string, forceMapLoad: boolean): Promise<SyncSummary> {
    if (this.#closing) return Promise.reject(closedError());
    if (this.#inflight) return this.#inflight;
    const run = this.#sync(reason, forceMapLoad).finally(() => {
      if (this.#inflight === run) this.#inflight = undefined;
    });
    this.#inflight = run;
    return run;
  }

  /** The `/status` document. Holds no secret: ids, counts, times, redacted URLs, stdio command names. */
  status(): HostStatus {
    const { registry, version } = this.#options;
    return {
      version,
      startedAtMs: this.#startedAtMs,
      ready: this.#ready,
      map: this.#mapSource?.status() ?? emptyMapStatus(),
      connectors: [
        ...[...this.#connectors.values()].map((connector) => connector.status()),
        ...this.#disabled.map(disabledStatus),
        ...this.#skipped.map((server) => skippedStatus(server, this.#options.clock())),
      ],
      registry: { version: registry.version, toolCount: registry.listTools().length },
      lastSync: this.#lastSync,
      ...(this.#recentSyncs.length > 0 && { recentSyncs: [...this.#recentSyncs] }),
    };
  }

  /**
   * Stops background refreshes (waiting for a sync in flight) while connectors keep serving: the first step of a
   * graceful shutdown, before calls in flight are drained. `disconnect()` does it too.
   */
  async stopRefreshing(): Promise<void> {
    this.#mapRetry.cancel();
    // A map load in flight (a hung endpoint) would otherwise hold the shutdown for the whole map timeout.
    this.#abort.abort();
    await this.#scheduler?.stop();
  }

  /** Stops the scheduler, disconnects every proxy, saves the state, closes the registry file and the agent. Idempotent. */
  disconnect(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #start(): Promise<void> {
    await this.#loadWarmState();
    if (this.#options.refreshSync) {
      await this.#run('start', false);
      return;
    }
    void this.#run('start', false).catch(() => undefined);
    this.#scheduler?.start();
  }

  /**
   * Takes the warm state — as the fast path already read it (`warmState`), or read now — and serves every persisted
   * catalogue the warm-start plan picks (the same rule the fast path applied). The fleet's map and shared catalogue,
   * which only the manager joins, can add to what the plan sees.
   */
  async #loadWarmState(): Promise<void> {
    const { logger, metrics } = this.#options;
    const state = this.#options.warmState ?? (await this.#readWarmState());
    this.#registryFile = state.registryFile;
    state.onRegistryFlush(({ durationMs }) =>
      metrics.registryFlushDuration.observe({ store: 'servers' }, durationMs / 1000),
    );
    if (state.registryFailure === undefined) this.#registryRead = true;
    else {
      logger.warn(
        { err: describeFailure(state.registryFailure) },
        'could not read the registry file; continuing without its servers',
      );
    }
    await this.#store.removeOrphanedTempFiles();
    await this.#mapSource?.restore(state.map, state.mapMeta);
    await this.#pins.load();
    this.#catalogue.adopt(state.catalogue);
    if (this.#mapSource) this.#catalogue.adoptShared(await this.#mapSource.sharedCatalogue());
    const plan = planWarmStart({
      map: this.#mapSource?.held?.payload,
      servers: this.#registryServers(),
      hasMapUrl: this.#mapSource !== undefined,
      registryRead: this.#registryReadOrAbsent(),
      catalogue: (connectorId) => this.#catalogue.entry(connectorId),
      specDefaults: this.#specDefaults(),
    });
    this.#noteSkipped(plan.skipped);
    for (const { spec, tools } of plan.candidates) this.#createConnector(spec).adoptCatalogue(tools);
    this.#ready = plan.ready;
    this.#warmStateLoaded = true;
  }

  #readWarmState(): Promise<WarmState> {
    const { registryPath, serviceMapUrl, signatureKeys, clock, logger } = this.#options;
    return readWarmState({ store: this.#store, registryPath, serviceMapUrl, signatureKeys, clock, logger });
  }

  #registryReadOrAbsent(): boolean {
    return this.#registryFile === undefined || this.#registryRead;
  }

  async #sync(reason: string, forceMapLoad: boolean): Promise<SyncSummary> {
    const { clock, metrics, logger } = this.#options;
    const startedAtMs = clock();
    this.#syncing = true;
    try {
      await this.#reloadPins();
      const map = await this.#mapSource?.obtain(this.#abort.signal, forceMapLoad);
      metrics.syncDuration.observe({ phase: 'map' }, (clock() - startedAtMs) / 1000);
      this.#planMapRetry();
      if (map || (this.#mapSource === undefined && this.#registryReadOrAbsent())) this.#ready = true;
      const desired = this.#desiredSpecs(map?.payload);
      this.#disabled = desired.filter((spec) => !spec.enabled);
      const plan = planReconcile(this.#connectors, desired);
      await Promise.allSettled(plan.removed.map((id) => this.#removeConnector(id)));
      const toConnect = await Promise.all(plan.changed.map((spec) => this.#replaceConnector(spec)));
      toConnect.push(...plan.added.map((spec) => this.#createConnector(spec)));
      for (const spec of plan.unchanged) {
        const connector = this.#connectors.get(spec.id) as ManagedConnector;
        if (metadataDiffers(connector.spec, spec)) connector.updateMetadata(spec);
        if (connector.needsConnect) toConnect.push(connector);
      }
      const connectStartedAtMs = clock();
      const { parallelism } = await connectAll(toConnect, this.#options, () => this.#closing !== undefined);
      metrics.syncDuration.observe({ phase: 'connect' }, (clock() - connectStartedAtMs) / 1000);
      if (map || this.#mapSource === undefined) this.#catalogue.retainOnly(new Set(this.#connectors.keys()));
      await this.#catalogue.save();
      await this.#pins.save();
      const summary = summarizeSync({
        reason,
        startedAtMs,
        durationMs: clock() - startedAtMs,
        desired,
        plan,
        isAvailable: (id) => this.#connectors.get(id)?.available ?? false,
        parallelism,
      });
      metrics.syncDuration.observe({ phase: 'total' }, summary.durationMs / 1000);
      logger.info({ ...summary }, 'connector sync finished');
      this.#lastSync = summary;
      this.#recentSyncs.push(summary);
      if (this.#recentSyncs.length > RECENT_SYNCS) this.#recentSyncs.shift();
      return summary;
    } finally {
      this.#syncing = false;
      // A list_changed that arrived while this sync was saving is recorded but not yet written; write it now
      // (a no-op when nothing changed).
      void this.#catalogue.save();
    }
  }

  /** Re-reads the pins (approvals made with the CLI) and re-reviews connectors that had changed tools. */
  async #reloadPins(): Promise<void> {
    const before = new Map(
      [...this.#connectors].map(([id, connector]) => [id, connector.changedTools.length]),
    );
    await this.#pins.load();
    for (const [id, changed] of before) if (changed > 0) this.#connectors.get(id)?.reviewPins();
  }

  /**
   * After a failed map load with no fresh map to serve, retries early with backoff (the timer refresh may be
   * minutes away); otherwise drops any pending retry. Sync mode has no background work, so no retry either.
   */
  #planMapRetry(): void {
    const source = this.#mapSource;
    if (!source || this.#closing || this.#options.refreshSync) return;
    if (source.lastLoadFailed && !source.fresh) {
      const delayMs = this.#mapRetry.schedule(this.#options.clock(), source.lastRetryAfterMs);
      source.nextRetryAtMs = this.#mapRetry.dueAtMs;
      this.#options.logger.info(
        { delayMs, attempt: this.#mapRetry.attempt },
        'no fresh service map: retrying the load early',
      );
    } else {
      this.#mapRetry.reset();
      source.nextRetryAtMs = null;
    }
  }

  #desiredSpecs(map: ServiceMapPayload | undefined): ConnectorSpec[] {
    const { specs, skipped } = desiredSpecs(map, this.#registryServers(), this.#specDefaults());
    this.#noteSkipped(skipped);
    return specs;
  }

  #registryServers(): ServerInfo[] {
    return this.#registryRead ? (this.#registryFile?.getAll() ?? []) : [];
  }

  #specDefaults(): SpecDefaults {
    const { connectTimeoutMs, callTimeoutMs, apiKey } = this.#options;
    return { connectTimeoutMs, callTimeoutMs, apiKeyConfigured: Boolean(apiKey) };
  }

  /** Records the registry-file servers skipped for a map connector's id, warning once per server. */
  #noteSkipped(skipped: readonly ServerInfo[]): void {
    this.#skipped = [...skipped];
    for (const server of skipped) {
      if (this.#warnedDuplicates.has(server.name)) continue;
      this.#warnedDuplicates.add(server.name);
      this.#options.logger.warn(
        { connectorId: server.name },
        'a registry-file server has the id of a service-map connector; skipping it (rename it to use it)',
      );
    }
  }

  #createConnector(spec: ConnectorSpec): ManagedConnector {
    const options = this.#options;
    const existing = this.#connectors.get(spec.id);
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
      pins: this.#pins,
      apiKey: options.apiKey,
      dispatcher: options.perConnectorAgent ? this.#pool.ownRequestAgent() : this.#pool.requests,
      streamDispatcher: this.#pool.streams,
      onCatalogueChange: (id, tools) => {
        this.#catalogue.record(id, catalogueFingerprint(connector.spec), tools);
        this.#mapSource?.shareCatalogue(id, catalogueFingerprint(connector.spec), tools);
        if (!this.#syncing) {
          void this.#catalogue.save();
          void this.#pins.save();
        }
      },
    });
    this.#connectors.set(spec.id, connector);
    return connector;
  }

  async #replaceConnector(spec: ConnectorSpec): Promise<ManagedConnector> {
    const previous = this.#connectors.get(spec.id);
    await previous?.disconnect();
    const connector = this.#createConnector(spec);
    // Keep the old tools listed (handlers now wait for the new connection) until the new listing replaces them.
    if (previous?.tools) connector.adoptCatalogue(previous.tools);
    return connector;
  }

  async #removeConnector(id: string): Promise<void> {
    const connector = this.#connectors.get(id);
    this.#connectors.delete(id);
    this.#options.registry.removeConnector(id);
    await connector?.disconnect();
  }

  async #shutdown(): Promise<void> {
    await this.#scheduler?.stop();
    this.#mapRetry.cancel();
    this.#abort.abort();
    const disconnectAll = () =>
      Promise.allSettled([...this.#connectors.values()].map((connector) => connector.disconnect()));
    await disconnectAll();
    await this.#inflight?.catch(() => undefined);
    await disconnectAll();
    this.#connectors.clear();
    await this.#catalogue.save();
    await this.#pins.save();
    await this.#store.idle();
    await this.#registryFile?.close().catch((error: unknown) => {
      this.#options.logger.warn(
        { err: describeFailure(error) },
        'could not write the registry file on shutdown',
      );
    });
    await this.#mapSource?.close();
    await this.#pool.close();
  }
}

/** How many sync summaries `status().recentSyncs` keeps. */
const RECENT_SYNCS = 10;

/** First early retry after a failed map load with no fresh map; doubles up to the refresh interval. */
const MAP_RETRY_BASE_DELAY_MS = 1_000;

/** `host:port` of a Redis URL, without credentials or database: safe for a metric label. */
function redisTarget(url: string | undefined): string {
  if (url === undefined) return '';
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'redis';
  }
}

function closedError(): ConnectorManagerError {
  return new ConnectorManagerError(
    'closed',
    'The connector manager was disconnected; create a new ConnectorProxyManager to start again.',
  );
}
