import type { HostServerLogger, HostServerTimers } from '../types.js';
import type { HttpSessionTransport } from './http-session-transport.js';

/** Options of {@link HttpSessionTable}. */
export interface HttpSessionTableOptions {
  /** Milliseconds a session may stay idle before it is closed; 0 keeps idle sessions until they are deleted. */
  readonly idleTimeoutMs: number;
  /** Most sessions open at once (initialized plus those being opened). */
  readonly maxSessions: number;
  /** Milliseconds from any origin; only differences are used. */
  readonly clock: () => number;
  readonly timers: HostServerTimers;
  readonly logger: HostServerLogger;
}

interface Entry {
  readonly transport: HttpSessionTransport;
  lastActiveMs: number;
  timer: unknown;
}

/**
 * The open Streamable HTTP sessions by `Mcp-Session-Id`, with their lifetimes: a session idle for `idleTimeoutMs`
 * is closed (its id is unknown from then on, so the client gets 404 and starts a new session, as the spec says), and
 * at most `maxSessions` are open at once.
 *
 * Idle means not {@link HttpSessionTransport.busy | busy}: no POST waiting for its answer and no GET stream open.
 * Idle time counts from the last request, or from the moment the session stopped being busy, whichever is later.
 *
 * One timer per session, armed once and re-armed only when it fires: marking activity is one assignment, so the
 * request path pays nothing for expiry.
 */
export class HttpSessionTable {
  readonly #entries = new Map<string, Entry>();
  readonly #options: HttpSessionTableOptions;

  constructor(options: HttpSessionTableOptions) {
    this.#options = options;
  }

  /** Sessions in the table. */
  get size(): number {
    return this.#entries.size;
  }

  /** The session's transport, or undefined when the id is unknown (never existed, deleted, expired, evicted). */
  get(sessionId: string): HttpSessionTransport | undefined {
    return this.#entries.get(sessionId)?.transport;
  }

  /** Adds an initialized session; its idle time starts now. */
  add(transport: HttpSessionTransport): void {
    const entry: Entry = { transport, lastActiveMs: this.#options.clock(), timer: undefined };
    this.#entries.set(transport.sessionId, entry);
    this.#arm(entry, this.#options.idleTimeoutMs);
  }

  /** Records activity on a session: a request arrived, or it just stopped being busy. */
  touch(sessionId: string): void {
    const entry = this.#entries.get(sessionId);
    if (entry) entry.lastActiveMs = this.#options.clock();
  }

  /** Forgets a session (its transport closed) and its timer. */
  delete(sessionId: string): void {
    const entry = this.#entries.get(sessionId);
    if (!entry) return;
    this.#entries.delete(sessionId);
    if (entry.timer !== undefined) this.#options.timers.clearTimeout(entry.timer);
  }

  /**
   * Makes room for one more session beside `opening` sessions already being opened: when the table is full, the
   * idle session that has been idle longest is closed. Returns false when every session is busy, so nothing can be
   * evicted (the caller refuses the new session with 503).
   */
  makeRoom(opening: number): boolean {
    while (this.#entries.size + opening >= this.#options.maxSessions) {
      const victim = this.#longestIdle();
      if (!victim) return false;
      this.#options.logger.info?.(
        { idleMs: this.#options.clock() - victim.lastActiveMs, maxSessions: this.#options.maxSessions },
        'evicted the longest-idle MCP session to make room for a new one',
      );
      this.#close(victim);
    }
    return true;
  }

  /** Clears every timer; the sessions themselves are closed by their servers. */
  clear(): void {
    for (const sessionId of [...this.#entries.keys()]) this.delete(sessionId);
  }

  #longestIdle(): Entry | undefined {
    let oldest: Entry | undefined;
    for (const entry of this.#entries.values()) {
      if (entry.transport.busy) continue;
      if (!oldest || entry.lastActiveMs < oldest.lastActiveMs) oldest = entry;
    }
    return oldest;
  }

  #arm(entry: Entry, delayMs: number): void {
    if (this.#options.idleTimeoutMs === 0) return;
    const timer = this.#options.timers.setTimeout(() => this.#check(entry), delayMs);
    // An idle session must not keep the process alive on its own.
    (timer as { unref?: () => void } | undefined)?.unref?.();
    entry.timer = timer;
  }

  #check(entry: Entry): void {
    entry.timer = undefined;
    if (this.#entries.get(entry.transport.sessionId) !== entry) return;
    const { idleTimeoutMs, clock, logger } = this.#options;
    // A busy session is in use however long ago its last request came; look again a whole period later.
    if (entry.transport.busy) {
      this.#arm(entry, idleTimeoutMs);
      return;
    }
    const idleMs = clock() - entry.lastActiveMs;
    if (idleMs < idleTimeoutMs) {
      this.#arm(entry, idleTimeoutMs - idleMs);
      return;
    }
    logger.info?.({ idleMs, idleTimeoutMs }, 'closed an idle MCP session');
    this.#close(entry);
  }

  #close(entry: Entry): void {
    this.delete(entry.transport.sessionId);
    // Not busy, so nothing is left to answer: close() only fires onclose, which ends the session's SDK server.
    void entry.transport.close();
  }
}
