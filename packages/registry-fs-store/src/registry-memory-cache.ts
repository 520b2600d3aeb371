import {
  closedError,
  notInitializedError,
  RegistryStoreError,
  readOnlyError,
  writeFailedError,
} from './errors.js';
import { FlushReporter } from './flush-reporter.js';
import { FlushTimer } from './flush-timer.js';
import {
  type RegistryMemoryCacheOptions,
  type ResolvedCacheOptions,
  resolveCacheOptions,
} from './registry-cache-options.js';
import { backupPathFor } from './registry-disk-state.js';
import { compareNames, type LoadProblem, validateServerInfo } from './registry-file.js';
import { type KnownFile, writeMergedRegistry } from './registry-flush.js';
import { type LoadedRegistry, loadRegistryFile } from './registry-loader.js';
import type { RegistryLockOptions } from './registry-lock.js';
import { adoptEntries, rereadRegistryFile } from './registry-reload.js';
import type { ServerInfo, ServerInfoInput } from './schema.js';

/** Shared by every instance so two caches in one process never pick the same temp name. */
let tempFileSequence = 0;
const nextSequence = () => tempFileSequence++;

type Lifecycle = 'new' | 'open' | 'closed';

/**
 * The registry of user-added MCP servers, held in a `Map` and written to disk in batches.
 *
 * Changes mark the cache dirty and arm one timer; when it fires (or on `flush()` / `close()`) the registry is
 * written atomically (temp file, fsync, rename, directory fsync) and copied to `servers.json.bak`. Each flush
 * holds `servers.json.lock`, re-reads the file and applies only the names this cache changed, so two processes
 * on one file never lose each other's entries; entries other processes wrote become visible here after it.
 * Flushes never overlap. A change made while a flush runs gets a newer generation than the snapshot being
 * written, so the cache stays dirty and the next flush writes it. A failed write keeps everything in memory,
 * dirty, and retries.
 */
export class RegistryMemoryCache {
  /** The file this cache persists to. */
  readonly registryPath: string;
  private readonly servers = new Map<string, ServerInfo>();
  /** Names changed here and not yet written, with the generation of their latest change. */
  private readonly pending = new Map<string, number>();
  private readonly options: ResolvedCacheOptions;
  private readonly writeOptions: RegistryLockOptions;
  private readonly reporter: FlushReporter;
  private lifecycle: Lifecycle = 'new';
  private initPromise: Promise<void> | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly flushTimer: FlushTimer;
  private changeGeneration = 0;
  private flushedGeneration = 0;
  /** The file as last read or written here: a flush that finds it unchanged does not parse it again. */
  private known: KnownFile | undefined;
  private loaded: LoadedRegistry | undefined;

  constructor(options: RegistryMemoryCacheOptions) {
    this.options = resolveCacheOptions(options);
    this.registryPath = this.options.registryPath;
    this.writeOptions = { ...this.options, nextSequence };
    this.reporter = new FlushReporter(this.registryPath, this.options.logger, this.options.onFlush);
    // Failures were logged in writeSnapshot and re-armed the timer; nobody awaits a tick.
    this.flushTimer = new FlushTimer(this.options.timers, this.options.flushIntervalMs, () => {
      this.flushPending().catch(() => undefined);
    });
  }

  /** True while some change is not yet on disk. */
  get dirty(): boolean {
    return this.changeGeneration !== this.flushedGeneration;
  }

  /** Number of registered servers. */
  get size(): number {
    return this.servers.size;
  }

  /** Problems found by `init()` in the file on disk (empty when it was fine or missing). */
  get loadProblems(): readonly LoadProblem[] {
    return this.loaded?.problems ?? [];
  }

  /** Where `init()` moved a damaged registry file, if it did. */
  get quarantinedPath(): string | undefined {
    return this.loaded?.quarantinedPath;
  }

  /** The backup (`servers.json.bak`) `init()` restored entries from, when the file was damaged. */
  get restoredFromBackup(): string | undefined {
    return this.loaded?.restoredFrom;
  }

  /** Leftover temp files (of dead or long-gone writers) that `init()` deleted. */
  get removedTempFiles(): readonly string[] {
    return this.loaded?.removedTempFiles ?? [];
  }

  /**
   * True when `init()` could not read the file (EACCES, EPERM): the cache started empty and never writes, so
   * it cannot replace a file it has not seen. Changes stay in memory; `flush()` and `close()` reject with
   * `read_only` while there are any.
   */
  get readOnly(): boolean {
    return this.loaded?.readOnly ?? false;
  }

  /**
   * Loads the file (missing = empty; damaged = moved aside and reported) and removes dead processes'
   * temp files. Idempotent; after a rejection it may be called again.
   *
   * @throws RegistryStoreError `read_failed`, `unsupported_version`, `closed`.
   */
  init(): Promise<void> {
    if (this.lifecycle === 'closed') return Promise.reject(closedError(this.registryPath));
    this.initPromise ??= this.load().catch((error: unknown) => {
      this.initPromise = undefined;
      throw error;
    });
    return this.initPromise;
  }

  /** All servers, sorted by name, as copies the caller may change freely. */
  getAll(): ServerInfo[] {
    this.assertInitialized();
    return [...this.servers.values()].sort((a, b) => compareNames(a.name, b.name)).map(copy);
  }

  /** One server by name, as a copy, or `undefined`. */
  get(name: string): ServerInfo | undefined {
    this.assertInitialized();
    const server = this.servers.get(name.trim());
    return server ? copy(server) : undefined;
  }

  /**
   * Validates and stores `server`, replacing any entry with the same name. Returns the stored form.
   *
   * @throws RegistryStoreError `invalid_server` (the message names the field), `not_initialized`, `closed`.
   */
  upsert(server: ServerInfoInput): ServerInfo {
    this.assertWritable();
    const stored = validateServerInfo(server, this.registryPath);
    this.servers.set(stored.name, stored);
    this.markChanged(stored.name);
    return copy(stored);
  }

  /** Removes a server; returns whether it existed. Removing an unknown name changes nothing. */
  remove(name: string): boolean {
    this.assertWritable();
    const key = String(name).trim();
    const existed = this.servers.delete(key);
    if (existed) this.markChanged(key);
    return existed;
  }

  /**
   * Writes pending changes now. Waits for a running flush first, then writes again if still dirty; does
   * nothing when clean.
   *
   * @throws RegistryStoreError `write_failed` or `lock_timeout` (changes stay in memory and are retried),
   *   `unsupported_version` (a newer version replaced the file), `read_only`, `not_initialized`.
   */
  async flush(): Promise<void> {
    this.assertInitialized();
    await this.flushPending();
  }

  /**
   * Stops the timer and writes pending changes. Idempotent: calling it again retries a failed final
   * write and is otherwise a no-op. After `close()` reads still work; changes throw `closed`.
   *
   * @throws RegistryStoreError `write_failed` / `lock_timeout` when the final write fails, `read_only` when
   *   changes could not be written because the file was unreadable at `init()`.
   */
  async close(): Promise<void> {
    const pendingInit = this.initPromise;
    this.lifecycle = 'closed';
    this.flushTimer.clear();
    if (pendingInit) await pendingInit.catch(() => undefined);
    await this.flushPending();
  }

  /**
   * Reads the file again and adopts what others wrote (except names changed here since); resolves with whether the
   * entries changed. The text last read or written here is not parsed; a missing file is empty, as at `init()`; a
   * damaged one is moved aside as at `init()`, but the entries held here (the last good file, newer than the backup)
   * stay and are written back at once. Never overlaps a flush; a read-only or closed cache does not read.
   *
   * @throws RegistryStoreError `read_failed`, `unsupported_version` (nothing changed), `not_initialized`.
   */
  async reload(): Promise<boolean> {
    this.assertInitialized();
    while (this.inFlight) await this.inFlight.catch(() => undefined);
    if (this.lifecycle === 'closed' || this.readOnly) return false;
    const reading = rereadRegistryFile(this.registryPath, this.known, this.servers.size, this.options);
    this.inFlight = reading.then(ignore, ignore);
    const found = await reading.finally(() => {
      this.inFlight = undefined;
    });
    if (found.kind === 'unchanged') return false;
    this.known = found.kind === 'ok' ? found.file : undefined;
    if (found.kind !== 'damaged')
      return adoptEntries(this.servers, this.pending, found.kind === 'ok' ? found.file.servers : new Map());
    for (const name of this.servers.keys()) this.markChanged(name);
    await this.flushPending().catch(ignore); // logged by the flush, retried by the timer
    return false;
  }

  private async load(): Promise<void> {
    const loaded = await loadRegistryFile(this.registryPath, this.options);
    if (this.lifecycle === 'closed') throw closedError(this.registryPath);
    for (const server of loaded.servers) this.servers.set(server.name, server);
    if (loaded.cleanText !== undefined)
      this.known = { text: loaded.cleanText, servers: new Map(this.servers) };
    Object.freeze(loaded.problems);
    Object.freeze(loaded.removedTempFiles);
    this.loaded = loaded;
    this.lifecycle = 'open';
    // Salvaged or restored entries exist only in memory now (their file was moved aside): write them back.
    if (loaded.needsRewrite) for (const server of loaded.servers) this.markChanged(server.name);
  }

  private markChanged(name: string): void {
    this.pending.set(name, ++this.changeGeneration);
    this.armTimer();
  }

  private async flushPending(): Promise<void> {
    while (this.inFlight) await this.inFlight.catch(() => undefined);
    if (!this.dirty) return;
    if (this.readOnly) throw readOnlyError(this.registryPath, this.pending.size);
    const attempt = this.writeSnapshot();
    this.inFlight = attempt;
    try {
      await attempt;
    } finally {
      this.inFlight = undefined;
      if (this.dirty) this.armTimer();
      else this.flushTimer.clear();
    }
  }

  private async writeSnapshot(): Promise<void> {
    // Taken synchronously: later changes get a higher generation and keep the cache dirty.
    const generation = this.changeGeneration;
    const changes = new Map<string, ServerInfo | null>();
    for (const name of this.pending.keys()) changes.set(name, this.servers.get(name) ?? null);
    const startedMs = this.options.clock();
    let written: Awaited<ReturnType<typeof writeMergedRegistry>>;
    try {
      written = await writeMergedRegistry(this.registryPath, changes, this.known, this.writeOptions);
    } catch (error) {
      this.reporter.failure(error);
      throw error instanceof RegistryStoreError ? error : writeFailedError(this.registryPath, error);
    }
    this.known = written.file;
    this.flushedGeneration = generation;
    for (const [name, changedAt] of this.pending) if (changedAt <= generation) this.pending.delete(name);
    adoptEntries(this.servers, this.pending, written.file.servers);
    this.reporter.success(
      {
        durationMs: this.options.clock() - startedMs,
        entryCount: written.file.servers.size,
        bytes: Buffer.byteLength(written.file.text),
      },
      backupPathFor(this.registryPath),
      written.backupError,
    );
  }

  private armTimer(): void {
    if (this.lifecycle === 'closed') return;
    if (this.readOnly) return; // nothing will ever be written: no point in waking up
    this.flushTimer.arm();
  }

  private assertInitialized(): void {
    if (this.lifecycle === 'new') throw notInitializedError(this.registryPath);
  }

  private assertWritable(): void {
    this.assertInitialized();
    if (this.lifecycle === 'closed') throw closedError(this.registryPath);
  }
}

function ignore(): undefined {
  return undefined;
}

function copy(server: ServerInfo): ServerInfo {
  return structuredClone(server);
}
