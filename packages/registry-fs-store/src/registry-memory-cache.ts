import { writeFileAtomic } from './atomic-write.js';
import { describeError, errorCodeOf, RegistryStoreError } from './errors.js';
import { processWarningLogger, type RegistryLogger } from './logger.js';
import {
  DEFAULT_FLUSH_INTERVAL_MS,
  type FlushReport,
  globalTimers,
  type RegistryMemoryCacheOptions,
  type RegistryTimers,
} from './registry-cache-options.js';
import { compareNames, type LoadProblem, serializeRegistry, validateServerInfo } from './registry-file.js';
import { nodeRegistryFs, type RegistryFs } from './registry-fs.js';
import { loadRegistryFile } from './registry-loader.js';
import type { ServerInfo, ServerInfoInput } from './schema.js';

/** Shared by every instance so two caches in one process never pick the same temp name. */
let tempFileSequence = 0;

type Lifecycle = 'new' | 'open' | 'closed';

/**
 * The registry of user-added MCP servers, held in a `Map` and written to disk in batches.
 *
 * Changes mark the cache dirty and arm one timer; when it fires (or on `flush()` / `close()`) the whole
 * registry is written atomically (temp file, fsync, rename, directory fsync). Flushes never overlap. A
 * change made while a flush runs bumps `changeGeneration` past the snapshot being written, so the cache
 * stays dirty and the next flush writes it. A failed write keeps everything in memory, dirty, and retries.
 */
export class RegistryMemoryCache {
  /** The file this cache persists to. */
  readonly registryPath: string;
  private readonly servers = new Map<string, ServerInfo>();
  private readonly flushIntervalMs: number;
  private readonly logger: RegistryLogger;
  private readonly fs: RegistryFs;
  private readonly timers: RegistryTimers;
  private readonly clock: () => number;
  private readonly pid: number;
  private readonly options: RegistryMemoryCacheOptions;
  private lifecycle: Lifecycle = 'new';
  private initPromise: Promise<void> | undefined;
  private inFlight: Promise<void> | undefined;
  private timerHandle: unknown;
  private timerArmed = false;
  private changeGeneration = 0;
  private flushedGeneration = 0;
  private failureStreak = 0;
  private problems: readonly LoadProblem[] = [];
  private quarantined: string | undefined;
  private removedTemps: readonly string[] = [];

  constructor(options: RegistryMemoryCacheOptions) {
    if (typeof options.registryPath !== 'string' || options.registryPath.length === 0) {
      throw new RegistryStoreError(
        'invalid_options',
        'registryPath must be a non-empty path to servers.json.',
      );
    }
    const flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    if (!Number.isFinite(flushIntervalMs) || flushIntervalMs < 0) {
      throw new RegistryStoreError('invalid_options', 'flushIntervalMs must be a finite number >= 0.');
    }
    this.registryPath = options.registryPath;
    this.flushIntervalMs = flushIntervalMs;
    this.logger = options.logger ?? processWarningLogger;
    this.fs = options.fs ?? nodeRegistryFs;
    this.timers = options.timers ?? globalTimers;
    this.clock = options.clock ?? Date.now;
    this.pid = options.pid ?? process.pid;
    this.options = options;
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
    return this.problems;
  }

  /** Where `init()` moved a damaged registry file, if it did. */
  get quarantinedPath(): string | undefined {
    return this.quarantined;
  }

  /** Temp files of dead processes that `init()` deleted. */
  get removedTempFiles(): readonly string[] {
    return this.removedTemps;
  }

  /**
   * Loads the file (missing = empty; damaged = moved aside and reported) and removes dead processes'
   * temp files. Idempotent; after a rejection it may be called again.
   *
   * @throws RegistryStoreError `read_failed`, `unsupported_version`, `closed`.
   */
  init(): Promise<void> {
    if (this.lifecycle === 'closed') return Promise.reject(this.closedError());
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
    this.markChanged();
    return copy(stored);
  }

  /** Removes a server; returns whether it existed. Removing an unknown name changes nothing. */
  remove(name: string): boolean {
    this.assertWritable();
    const existed = this.servers.delete(String(name).trim());
    if (existed) this.markChanged();
    return existed;
  }

  /**
   * Writes pending changes now. Waits for a running flush first, then writes again if still dirty; does
   * nothing when clean.
   *
   * @throws RegistryStoreError `write_failed` (changes stay in memory and are retried), `not_initialized`.
   */
  async flush(): Promise<void> {
    this.assertInitialized();
    await this.flushPending();
  }

  /**
   * Stops the timer and writes pending changes. Idempotent: calling it again retries a failed final
   * write and is otherwise a no-op. After `close()` reads still work; changes throw `closed`.
   *
   * @throws RegistryStoreError `write_failed` when the final write fails.
   */
  async close(): Promise<void> {
    const pendingInit = this.initPromise;
    this.lifecycle = 'closed';
    this.clearTimer();
    if (pendingInit) await pendingInit.catch(() => undefined);
    await this.flushPending();
  }

  private async load(): Promise<void> {
    const loaded = await loadRegistryFile(this.registryPath, {
      fs: this.fs,
      clock: this.clock,
      logger: this.logger,
      ...(this.options.isProcessAlive ? { isProcessAlive: this.options.isProcessAlive } : {}),
    });
    if (this.lifecycle === 'closed') throw this.closedError();
    for (const server of loaded.servers) this.servers.set(server.name, server);
    this.problems = Object.freeze(loaded.problems);
    this.quarantined = loaded.quarantinedPath;
    this.removedTemps = Object.freeze(loaded.removedTempFiles);
    this.lifecycle = 'open';
    // Salvaged entries exist only in memory now (their file was moved aside): write them back.
    if (loaded.needsRewrite) this.markChanged();
  }

  private markChanged(): void {
    this.changeGeneration++;
    this.armTimer();
  }

  private async flushPending(): Promise<void> {
    while (this.inFlight) await this.inFlight.catch(() => undefined);
    if (!this.dirty) return;
    const attempt = this.writeSnapshot();
    this.inFlight = attempt;
    try {
      await attempt;
    } finally {
      this.inFlight = undefined;
      if (this.dirty) this.armTimer();
      else this.clearTimer();
    }
  }

  private async writeSnapshot(): Promise<void> {
    // Taken synchronously: later changes get a higher generation and keep the cache dirty.
    const generation = this.changeGeneration;
    const contents = serializeRegistry(this.servers.values());
    const entryCount = this.servers.size;
    const startedMs = this.clock();
    try {
      await writeFileAtomic(this.registryPath, contents, {
        fs: this.fs,
        pid: this.pid,
        nextSequence: () => tempFileSequence++,
      });
    } catch (error) {
      this.reportFailure(error);
      throw new RegistryStoreError(
        'write_failed',
        `Could not write MCP registry ${this.registryPath} (${describeError(error)}). The changes are kept in memory and retried on the next flush; make sure the directory is writable.`,
        { registryPath: this.registryPath, cause: error },
      );
    }
    this.flushedGeneration = generation;
    this.reportRecovery();
    this.reportFlush({
      durationMs: this.clock() - startedMs,
      entryCount,
      bytes: Buffer.byteLength(contents),
    });
  }

  private reportFailure(error: unknown): void {
    this.failureStreak++;
    const fields = {
      registryPath: this.registryPath,
      errorCode: errorCodeOf(error),
      error: describeError(error),
    };
    // One warning per failure streak: a read-only disk must not flood the log every tick.
    if (this.failureStreak === 1) {
      this.logger.warn(fields, 'Could not flush the MCP registry; keeping changes in memory and retrying');
    } else {
      this.logger.debug?.(
        { ...fields, failedAttempts: this.failureStreak },
        'MCP registry flush still failing',
      );
    }
  }

  private reportRecovery(): void {
    if (this.failureStreak === 0) return;
    this.logger.info?.(
      { registryPath: this.registryPath, failedAttempts: this.failureStreak },
      'MCP registry flush recovered',
    );
    this.failureStreak = 0;
  }

  private reportFlush(report: FlushReport): void {
    try {
      this.options.onFlush?.(report);
    } catch (error) {
      this.logger.warn({ error: describeError(error) }, 'onFlush callback threw; ignored');
    }
  }

  private armTimer(): void {
    if (this.timerArmed || this.lifecycle === 'closed' || this.flushIntervalMs === 0) return;
    this.timerArmed = true;
    this.timerHandle = this.timers.setTimeout(() => this.onTimer(), this.flushIntervalMs);
    // A pending write must never keep the process alive on its own.
    (this.timerHandle as { unref?: () => void } | undefined)?.unref?.();
  }

  private clearTimer(): void {
    if (!this.timerArmed) return;
    this.timers.clearTimeout(this.timerHandle);
    this.timerArmed = false;
    this.timerHandle = undefined;
  }

  private onTimer(): void {
    this.timerArmed = false;
    this.timerHandle = undefined;
    // Failures were logged in writeSnapshot and re-armed the timer; nobody awaits a tick.
    this.flushPending().catch(() => undefined);
  }

  private assertInitialized(): void {
    if (this.lifecycle === 'new') {
      throw new RegistryStoreError(
        'not_initialized',
        `RegistryMemoryCache for ${this.registryPath} was used before init() resolved; await init() first.`,
        { registryPath: this.registryPath },
      );
    }
  }

  private assertWritable(): void {
    this.assertInitialized();
    if (this.lifecycle === 'closed') throw this.closedError();
  }

  private closedError(): RegistryStoreError {
    return new RegistryStoreError(
      'closed',
      `RegistryMemoryCache for ${this.registryPath} is closed; create a new one to make changes.`,
      { registryPath: this.registryPath },
    );
  }
}

function copy(server: ServerInfo): ServerInfo {
  return structuredClone(server);
}
