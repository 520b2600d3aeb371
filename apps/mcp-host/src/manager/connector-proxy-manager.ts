import type { RegistryMemoryCache } from '@cortex-mcp/registry-fs-store';
import type { Agent } from 'undici';
import { catalogueFingerprint, metadataDiffers, type ServedCatalogue } from '../connectors/index.js';
import { ConnectorManagerError } from '../errors.js';
import { planWarmStart } from '../state/index.js';
import { emptyMapStatus, type HostStatus, registryStatus, type SyncSummary } from '../status/index.js';
import { DesiredConnectors } from './desired-connectors.js';
import type { ManagedConnector } from './managed-connector.js';
import { createManagerParts, type ManagerParts } from './manager-parts.js';
import {
  type ConnectorProxyManagerOptions,
  type ResolvedManagerOptions,
  resolveManagerOptions,
} from './options.js';
import { connectAll } from './parallel-connect.js';
import { planReconcile } from './reconcile.js';
import { RunningConnectors } from './running-connectors.js';
import { SyncHistory, summarizeSync } from './sync-summary.js';
import { UpstreamRequests } from './upstream-requests.js';

/**
 * The host's sync pipeline: scheduler → map cache → loader (stale on error) → reconcile → bounded parallel connects
 * → atomic per-connector catalogue replacement → one aggregate log line and metrics. Map connectors and registry-file
 * servers share one pipeline and one undici `Agent`; the verified map and catalogues persist for a warm start.
 */
export class ConnectorProxyManager {
  readonly #options: ResolvedManagerOptions;
  /** The pool, the state files, the map source, the map retry, the scheduler, the registry watch (`createManagerParts`). */
  readonly #parts: ManagerParts;
  readonly #connectors: RunningConnectors;
  /** Reads, prompts, completions and subscriptions, routed to the running connector that owns them. */
  readonly upstream: UpstreamRequests;
  readonly #abort = new AbortController();
  readonly #startedAtMs: number;
  readonly #desired: DesiredConnectors;
  #ready = false;
  #syncing = false;
  #inflight: Promise<SyncSummary> | undefined;
  readonly #syncs = new SyncHistory();
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
    this.#parts = createManagerParts(resolved, {
      sync: (reason, forceMapLoad) => this.#run(reason, forceMapLoad).catch(() => undefined),
      fleetMapArrived: () => {
        if (this.#warmStateLoaded) void this.#run('fleet', false).catch(() => undefined);
      },
      registryFileChanged: () => void this.#registryFileChanged(),
    });
    this.#connectors = new RunningConnectors({
      options: resolved,
      pool: this.#parts.pool,
      pins: this.#parts.pins,
      onCatalogueChange: (connector, catalogue) => this.#recordCatalogue(connector, catalogue),
    });
    this.upstream = new UpstreamRequests(this.#connectors.byId);
    this.#desired = new DesiredConnectors({
      ...resolved,
      onRegistryFlush: ({ durationMs }) =>
        resolved.metrics.registryFlushDuration.observe({ store: 'servers' }, durationMs / 1000),
    });
  }

  /** The shared undici `Agent` (connections as configured, pipelining 1, keep-alive); closed by `disconnect()`. */
  get agent(): Agent {
    return this.#parts.pool.agent;
  }

  /** Whether the shared pool reaches `origin` (e.g. `https://maps.example:443`) over HTTP/2. */
  isHttp2Origin(origin: string): boolean {
    return this.#parts.pool.isHttp2(origin);
  }

  /** The registry-file store (for upserts by the host), when `registryPath` is set. */
  get registryFile(): RegistryMemoryCache | undefined {
    return this.#desired.registryFile;
  }

  /** True once a usable map (fresh or stale) or a persisted catalogue is loaded, or the registry file was read without a map URL. */
  get ready(): boolean {
    return this.#ready;
  }

  /**
   * Loads the warm state (registry file, persisted map, persisted catalogues: their tools are registered at once).
   * Sync mode: then runs one full sync and resolves after it. Async mode: starts watching the registry file, then
   * resolves, syncs in the background and starts the scheduler. Idempotent.
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
      map: this.#parts.mapSource?.status() ?? emptyMapStatus(),
      connectors: [...this.#connectors.statuses(), ...this.#desired.statusEntries()],
      registry: registryStatus(registry),
      ...this.#syncs.status(),
    };
  }

  /**
   * Stops background refreshes (waiting for a sync in flight) while connectors keep serving: the first step of a
   * graceful shutdown, before calls in flight are drained. `disconnect()` does it too.
   */
  async stopRefreshing(): Promise<void> {
    this.#parts.mapRetry.cancel();
    // A map load in flight (a hung endpoint) would otherwise hold the shutdown for the whole map timeout.
    this.#abort.abort();
    await Promise.all([this.#parts.scheduler?.stop(), this.#parts.registryWatch?.stop()]);
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
    await this.#parts.registryWatch?.start(); // before the first sync: no edit from now on goes unseen
    void this.#run('start', false).catch(() => undefined);
    this.#parts.scheduler?.start();
  }

  /** The registry file changed on disk: if its servers did, sync, after a sync in flight (it read them before). */
  async #registryFileChanged(): Promise<void> {
    if (this.#closing || this.#abort.signal.aborted || !(await this.#desired.reloadRegistryFile())) return;
    await this.#inflight?.catch(() => undefined);
    await this.#run('registry-file', false).catch(() => undefined);
  }

  /**
   * Takes the warm state — as the fast path already read it (`warmState`), or read now — and serves every persisted
   * catalogue the warm-start plan picks (the same rule the fast path applied). The fleet's map and shared catalogue,
   * which only the manager joins, can add to what the plan sees.
   */
  async #loadWarmState(): Promise<void> {
    const state = this.#options.warmState ?? (await this.#parts.readWarmState());
    this.#desired.adoptRegistryFile(state);
    await this.#parts.store.removeOrphanedTempFiles();
    await this.#parts.mapSource?.restore(state.map, state.mapMeta);
    await this.#parts.pins.load();
    this.#parts.catalogue.adopt(state.catalogue);
    if (this.#parts.mapSource)
      this.#parts.catalogue.adoptShared(await this.#parts.mapSource.sharedCatalogue());
    const plan = planWarmStart({
      map: this.#parts.mapSource?.held?.payload,
      servers: this.#desired.servers(),
      hasMapUrl: this.#parts.mapSource !== undefined,
      registryRead: this.#desired.registryReadOrAbsent,
      catalogue: (connectorId) => this.#parts.catalogue.entry(connectorId),
      specDefaults: this.#desired.specDefaults,
    });
    this.#desired.noteSkipped(plan.skipped);
    for (const { spec, catalogue } of plan.candidates)
      this.#connectors.create(spec).adoptCatalogue(catalogue);
    this.#ready = plan.ready;
    this.#warmStateLoaded = true;
  }

  async #sync(reason: string, forceMapLoad: boolean): Promise<SyncSummary> {
    const { clock, metrics, logger } = this.#options;
    const startedAtMs = clock();
    this.#syncing = true;
    try {
      // The start just read the registry file; any later sync reads it again (with no watch, the only reading).
      void this.#parts.registryWatch?.start();
      if (reason !== 'start') await this.#desired.reloadRegistryFile();
      await this.#connectors.reviewChangedPins(() => this.#parts.pins.load());
      const map = await this.#parts.mapSource?.obtain(this.#abort.signal, forceMapLoad);
      metrics.syncDuration.observe({ phase: 'map' }, (clock() - startedAtMs) / 1000);
      this.#planMapRetry();
      if (map || (this.#parts.mapSource === undefined && this.#desired.registryReadOrAbsent))
        this.#ready = true;
      const desired = this.#desired.specs(map?.payload);
      const running = this.#connectors.byId;
      const plan = planReconcile(running, desired);
      await Promise.allSettled(plan.removed.map((id) => this.#connectors.remove(id)));
      const toConnect = await Promise.all(plan.changed.map((spec) => this.#connectors.replace(spec)));
      toConnect.push(...plan.added.map((spec) => this.#connectors.create(spec)));
      for (const spec of plan.unchanged) {
        const connector = running.get(spec.id) as ManagedConnector;
        if (metadataDiffers(connector.spec, spec)) connector.updateMetadata(spec);
        if (connector.needsConnect) toConnect.push(connector);
      }
      const connectStartedAtMs = clock();
      const { parallelism } = await connectAll(toConnect, this.#options, () => this.#closing !== undefined);
      metrics.syncDuration.observe({ phase: 'connect' }, (clock() - connectStartedAtMs) / 1000);
      if (map || this.#parts.mapSource === undefined)
        this.#parts.catalogue.retainOnly(new Set(running.keys()));
      await this.#parts.catalogue.save();
      await this.#parts.pins.save();
      const summary = summarizeSync({
        reason,
        startedAtMs,
        durationMs: clock() - startedAtMs,
        desired,
        plan,
        isAvailable: (id) => running.get(id)?.available ?? false,
        parallelism,
      });
      metrics.syncDuration.observe({ phase: 'total' }, summary.durationMs / 1000);
      logger.info({ ...summary }, 'connector sync finished');
      this.#syncs.record(summary);
      return summary;
    } finally {
      this.#syncing = false;
      // A list_changed that arrived while this sync was saving is recorded but not yet written; write it now
      // (a no-op when nothing changed).
      void this.#parts.catalogue.save();
    }
  }

  /** Sync mode has no background work, so no early map retry either. */
  #planMapRetry(): void {
    const source = this.#parts.mapSource;
    if (!source || this.#closing || this.#options.refreshSync) return;
    this.#parts.mapRetry.planAfterLoad(source, this.#options.clock(), this.#options.logger);
  }

  /** A connector's catalogue changed: recorded for the warm start and the fleet, written at once outside a sync. */
  #recordCatalogue(connector: ManagedConnector, catalogue: ServedCatalogue): void {
    const fingerprint = catalogueFingerprint(connector.spec);
    this.#parts.catalogue.record(connector.id, fingerprint, catalogue);
    this.#parts.mapSource?.shareCatalogue(connector.id, fingerprint, catalogue);
    if (!this.#syncing) {
      void this.#parts.catalogue.save();
      void this.#parts.pins.save();
    }
  }

  async #shutdown(): Promise<void> {
    await Promise.all([this.#parts.scheduler?.stop(), this.#parts.registryWatch?.stop()]);
    this.#parts.mapRetry.cancel();
    this.#abort.abort();
    await this.#connectors.disconnectAll();
    await this.#inflight?.catch(() => undefined);
    await this.#connectors.disconnectAll();
    this.#connectors.byId.clear();
    await this.#parts.catalogue.save();
    await this.#parts.pins.save();
    await this.#parts.store.idle();
    await this.#desired.close();
    await this.#parts.mapSource?.close();
    await this.#parts.pool.close();
  }
}

function closedError(): ConnectorManagerError {
  return new ConnectorManagerError(
    'closed',
    'The connector manager was disconnected; create a new ConnectorProxyManager to start again.',
  );
}
