import { isProcessAlive } from './atomic-write.js';
import { RegistryStoreError } from './errors.js';
import { processWarningLogger, type RegistryLogger } from './logger.js';
import { nodeRegistryFs, type RegistryFs } from './registry-fs.js';
import type { RegistryLockOptions } from './registry-lock.js';
import { globalTimers, type RegistryTimers } from './registry-timers.js';

/** What one successful flush wrote; feed it to a histogram such as `mcp_registry_flush_duration_seconds`. */
export interface FlushReport {
  /** Time from snapshot to the rename being done, by the injected clock. */
  durationMs: number;
  /** Servers in the file written. */
  entryCount: number;
  /** Size of the file written. */
  bytes: number;
}

/** Options for `new RegistryMemoryCache(options)`. */
export interface RegistryMemoryCacheOptions {
  /** The registry file, e.g. from `resolveRegistryPath()`. */
  registryPath: string;
  /** Longest time a change waits in memory before the timer writes it. `0` disables the timer. Default 5000. */
  flushIntervalMs?: number;
  /** pino-compatible logger. Default: Node.js process warnings for `warn`, nothing else. */
  logger?: RegistryLogger;
  /** Called after each successful write. Errors it throws are logged, never propagated. */
  onFlush?: (report: FlushReport) => void;
  /** File-system calls (default `node:fs/promises`). */
  fs?: RegistryFs;
  /** Timers (default the global ones; handles are `unref`'d when they support it). */
  timers?: RegistryTimers;
  /** Epoch milliseconds (default `Date.now`): flush durations and quarantine names. */
  clock?: () => number;
  /** Written into temp file names (default `process.pid`). */
  pid?: number;
  /** Decides whether the writer of a leftover temp file or lock still runs (default: `process.kill(pid, 0)`). */
  isProcessAlive?: (pid: number) => boolean;
  /**
   * Longest time a flush waits for another process's `servers.json.lock` before it fails with `lock_timeout`
   * (the changes stay dirty and are retried). `0` = do not wait. Default 5000.
   */
  lockTimeoutMs?: number;
  /**
   * A lock older than this is taken over even if its pid seems alive (the pid was reused, or the holder is on
   * another host). Holding the lock takes one read and two small writes, so this is far above any real hold.
   * Default 30000.
   */
  staleLockMs?: number;
  /**
   * `init()` deletes a leftover temp file whose pid still runs once it is older than this (a reused pid, or a
   * writer on another host); a dead pid's temp file goes at once. Needs `fs.stat`. Default 600000 (10 min).
   */
  staleTempFileMs?: number;
}

/** How long a change may wait in memory by default. */
export const DEFAULT_FLUSH_INTERVAL_MS = 5_000;
/** How long a flush waits for another process's lock by default. */
export const DEFAULT_LOCK_TIMEOUT_MS = 5_000;
/** Age after which a lock is taken over whatever its pid says. */
export const DEFAULT_STALE_LOCK_MS = 30_000;
/** Age after which a temp file of a (seemingly) live pid is deleted at start-up. */
export const DEFAULT_STALE_TEMP_FILE_MS = 600_000;

/** Options with every default filled in and checked. */
export interface ResolvedCacheOptions extends Omit<RegistryLockOptions, 'nextSequence'> {
  registryPath: string;
  flushIntervalMs: number;
  staleTempFileMs: number;
  onFlush: ((report: FlushReport) => void) | undefined;
}

/**
 * Fills in defaults and rejects unusable values.
 *
 * @throws RegistryStoreError `invalid_options` for an empty path or a negative or non-finite duration.
 */
export function resolveCacheOptions(options: RegistryMemoryCacheOptions): ResolvedCacheOptions {
  if (typeof options.registryPath !== 'string' || options.registryPath.length === 0) {
    throw new RegistryStoreError('invalid_options', 'registryPath must be a non-empty path to servers.json.');
  }
  return {
    registryPath: options.registryPath,
    flushIntervalMs: duration('flushIntervalMs', options.flushIntervalMs, DEFAULT_FLUSH_INTERVAL_MS),
    lockTimeoutMs: duration('lockTimeoutMs', options.lockTimeoutMs, DEFAULT_LOCK_TIMEOUT_MS),
    staleLockMs: duration('staleLockMs', options.staleLockMs, DEFAULT_STALE_LOCK_MS),
    staleTempFileMs: duration('staleTempFileMs', options.staleTempFileMs, DEFAULT_STALE_TEMP_FILE_MS),
    logger: options.logger ?? processWarningLogger,
    onFlush: options.onFlush,
    fs: options.fs ?? nodeRegistryFs,
    timers: options.timers ?? globalTimers,
    clock: options.clock ?? Date.now,
    pid: options.pid ?? process.pid,
    isProcessAlive: options.isProcessAlive ?? isProcessAlive,
  };
}

function duration(name: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isFinite(resolved) || resolved < 0) {
    throw new RegistryStoreError('invalid_options', `${name} must be a finite number >= 0.`);
  }
  return resolved;
}
