import type { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';

/**
 * The part of a tool registry the server reads: a `VersionedToolRegistry` satisfies it. The server only lists,
 * looks up and watches tools; it never changes the registry.
 */
export type ToolSource = Pick<VersionedToolRegistry, 'listTools' | 'getTool' | 'onChange'>;

/** Name and version the server reports in its `initialize` answer. */
export interface HostServerInfo {
  readonly name: string;
  readonly version: string;
}

/** Pino-compatible logger subset; the host passes its pino logger. */
export interface HostServerLogger {
  warn(obj: object, msg?: string): void;
  error?(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

/** Timers the server schedules with (drain deadlines); injectable for tests. */
export interface HostServerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * A log message an upstream connector sent (`notifications/message`), to forward to downstream clients.
 * `logger` is the upstream's own logger name, if it gave one.
 */
export interface UpstreamLogEntry {
  readonly connectorId: string;
  readonly level: LoggingLevel;
  readonly logger?: string;
  readonly data: unknown;
}

/** What both surfaces (HTTP and stdio) share: forward logs, wait for calls, shut down. */
export interface McpSurface {
  /** Sends an upstream log message to every initialized session whose `logging/setLevel` lets it through. */
  broadcastLog(entry: UpstreamLogEntry): void;
  /**
   * Stops accepting new tool calls and waits up to `timeoutMs` for the running ones to finish. Resolves with how
   * many were still running when it gave up (0 when all finished). Call `close()` afterwards.
   */
  drain(timeoutMs: number): Promise<number>;
  /** Closes every session (aborting calls still running) and releases every handle. Idempotent. */
  close(): Promise<void>;
}
