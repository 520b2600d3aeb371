import type { ManifestCache } from '@cortex-mcp/manifest-cache';
import type { ChangeSignal } from './change-signal.js';
import { hasCode } from './errors.js';
import type { FleetStore } from './fleet-store.js';
import { type Held, isNews } from './held.js';
import type { HeldLease, LeaseView } from './lease.js';
import type { FleetChange, FleetChangeSource, FleetTimers } from './options.js';
import type { SharedReader, SharedView } from './shared-reader.js';
import type { ManifestText } from './stored-manifest.js';

/** What {@link FleetSync} needs from the cache that owns it. */
export interface FleetSyncContext<T> {
  readonly instanceId: string;
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  readonly clock: () => number;
  readonly timers: FleetTimers;
  readonly serialize: (value: T) => ManifestText;
  readonly onChange?: ((change: FleetChange<T>) => void) | undefined;
  readonly store: FleetStore;
  readonly reader: SharedReader<T>;
  readonly signal: ChangeSignal;
  readonly local: ManifestCache<Held<T>>;
  /** Whether the cache is connected (not new, connecting or closed). */
  isConnected(): boolean;
  setLeading(lease: HeldLease | undefined): void;
  observeLease(lease: LeaseView | null): void;
  report(error: unknown): void;
}

/** Safety bound on back-to-back synchronisations requested while one runs. */
const MAX_SYNC_ROUNDS = 10;

/**
 * Keeps the local copy in step with the fleet in the background — at connect, after every reconnect, on every
 * notification and every poll: adopts a shared map that is news (after `verify`), and shares a map this host
 * holds that never went through Redis (loaded alone during an outage, or `set()`) when it is newer than the
 * shared one. One synchronisation runs at a time; nothing here is on the serving path.
 */
export class FleetSync<T> {
  readonly #ctx: FleetSyncContext<T>;
  #running: Promise<void> | undefined;
  #again: FleetChangeSource | undefined;
  #deferred: FleetChangeSource | undefined;
  #pollHandle: unknown;

  constructor(context: FleetSyncContext<T>) {
    this.#ctx = context;
  }

  /** Synchronises once (joining one that runs, which then runs once more). Never rejects. */
  sync(source: FleetChangeSource): Promise<void> {
    if (this.#running !== undefined) {
      this.#again = source;
      return this.#running;
    }
    const run = async () => {
      let next: FleetChangeSource | undefined = source;
      for (let round = 0; next !== undefined && round < MAX_SYNC_ROUNDS; round += 1) {
        this.#again = undefined;
        await this.#syncOnce(next);
        next = this.#again;
      }
    };
    this.#running = run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Polls every `pollIntervalMs` while connected (the fallback for lost or disabled notifications). */
  startPolling(): void {
    if (!this.#ctx.isConnected()) return;
    this.#pollHandle = this.#ctx.timers.setTimeout(() => {
      void this.sync('poll').finally(() => this.startPolling());
    }, this.#ctx.pollIntervalMs);
  }

  stopPolling(): void {
    this.#ctx.timers.clearTimeout(this.#pollHandle);
  }

  /** A local load settled: run the synchronisation it deferred, once its result is stored. */
  afterLoad(): void {
    const deferred = this.#deferred;
    if (deferred === undefined) return;
    this.#deferred = undefined;
    // A macrotask later: ManifestCache stores the load's result in the microtasks after this one.
    this.#ctx.timers.setTimeout(() => void this.sync(deferred), 0);
  }

  async #syncOnce(source: FleetChangeSource): Promise<void> {
    const ctx = this.#ctx;
    if (!ctx.isConnected()) return;
    try {
      const snapshot = await ctx.store.peek();
      ctx.observeLease(snapshot.lease);
      const view = await ctx.reader.view(ctx.store, snapshot);
      const local = ctx.local.get();
      const loading = ctx.local.inspect().loading;
      if (view.held !== undefined && isNews(view.held, local)) {
        // A load in flight takes it itself (set() would detach that load): wake it, and look again after it.
        if (loading) {
          this.#deferred = source;
          ctx.signal.notify();
        } else {
          this.#adopt(view, view.held, local, source);
        }
        return;
      }
      const sharedIsOlder = view.held === undefined || (local?.generatedAtMs ?? 0) > view.held.generatedAtMs;
      if (local !== undefined && local.version === null && !loading && sharedIsOlder) {
        await this.#share(local, snapshot.version, view);
      }
    } catch (error) {
      if (!hasCode(error, 'redis_unavailable', 'closed')) ctx.report(error);
    }
  }

  #adopt(view: SharedView<T>, held: Held<T>, local: Held<T> | undefined, source: FleetChangeSource): void {
    this.#ctx.local.set(held, { expiresAtMs: held.expiresAtMs });
    if (local !== undefined && local.generatedAtMs === held.generatedAtMs) return; // same map, new version
    try {
      this.#ctx.onChange?.({
        value: held.value,
        version: held.version ?? 0,
        generatedAtMs: held.generatedAtMs,
        writerId: view.writerId ?? '',
        source,
      });
    } catch {
      // A listener bug must not change what the cache holds.
    }
  }

  /** Writes a map this host holds but the fleet does not (e.g. loaded alone during an outage), under the lease. */
  async #share(local: Held<T>, version: number | null, view: SharedView<T>): Promise<void> {
    const ctx = this.#ctx;
    const attempt = await ctx.store.acquire(ctx.instanceId, ctx.leaseMs, version);
    if (attempt.outcome !== 'acquired') return; // someone else is refreshing, or it changed: next sync looks again
    ctx.setLeading(attempt.lease);
    try {
      const text = ctx.serialize(local.value);
      const input = {
        ...text,
        expiresAtMs: local.expiresAtMs,
        fetchedAtMs: ctx.clock(),
        writerId: ctx.instanceId,
      };
      // A stored map that failed verification may be replaced whatever its (untrusted) generatedAtMs says.
      const stored = await ctx.store.commit(attempt.lease, input, view.rejection ? view.version : undefined);
      local.version = stored.version; // the same map, now with its shared version
      const { generatedAtMs } = local;
      ctx.reader.remember({ version: stored.version, generatedAtMs, held: local, writerId: ctx.instanceId });
    } catch (error) {
      await ctx.store.abandon(attempt.lease).catch(() => {});
      if (!hasCode(error, 'generated_at_regressed', 'lease_lost', 'redis_unavailable', 'closed')) {
        ctx.report(error);
      }
    } finally {
      ctx.setLeading(undefined);
    }
  }
}
