import type { RegistryLogger } from './logger.js';
import type { RegistryFs } from './registry-fs.js';

/** Timer functions, injectable so tests decide when a tick happens. */
export interface RegistryTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

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
  /** Decides whether a leftover temp file's writer still runs (default: `process.kill(pid, 0)`). */
  isProcessAlive?: (pid: number) => boolean;
}

/** How long a change may wait in memory by default. */
export const DEFAULT_FLUSH_INTERVAL_MS = 5_000;

/** The global `setTimeout` / `clearTimeout`. */
export const globalTimers: RegistryTimers = {
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
