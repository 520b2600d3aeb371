/** Timers the gate schedules with; injectable for tests. */
export interface GateTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Why the connect phase was let in: the gate's answer, for the debug log. */
export type GateReason = 'first tools/list' | 'tool call' | 'request' | 'metrics' | 'idle' | 'immediately';

const globalTimers: GateTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Decides when a warm start loads its connect phase (manager, connector proxy, SDK client, undici, prom-client):
 * evaluating those modules blocks the event loop for a while, so it waits until the first `tools/list` has been
 * answered from the persisted catalogue — or until something needs it (a tool call, `/metrics`), or until the host
 * has been idle for the delay given to {@link ConnectPhaseGate.openAfter}. Opens once; later reasons are ignored.
 */
export class ConnectPhaseGate {
  /** Resolves, once, with the reason the gate opened. */
  readonly opened: Promise<GateReason>;
  readonly #timers: GateTimers;
  #resolve: (reason: GateReason) => void = () => {};
  #timer: unknown;
  #open = false;
  #listed = false;

  constructor(options: { timers?: GateTimers } = {}) {
    this.#timers = options.timers ?? globalTimers;
    this.opened = new Promise<GateReason>((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** Whether the gate has opened. */
  get isOpen(): boolean {
    return this.#open;
  }

  /** Opens the gate now. Idempotent. */
  open(reason: GateReason): void {
    if (this.#open) return;
    this.#open = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#resolve(reason);
  }

  /** Opens the gate after `delayMs` unless something opens it first; 0 opens it now. */
  openAfter(delayMs: number): void {
    if (this.#open || this.#timer !== undefined) return;
    if (delayMs <= 0) {
      this.open('immediately');
      return;
    }
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      this.open('idle');
    }, delayMs);
  }

  /**
   * `source` as the MCP surface should see it: the first listing opens the gate one timer turn later, so the
   * connect phase starts only after that answer has been written. Every other member is the source's own (a proxy
   * rather than a hand-written wrapper, so the surface may read whatever part of the registry it needs).
   */
  watchListings<T extends { listTools(): unknown }>(source: T): T {
    const listTools = () => {
      if (!this.#open && !this.#listed) {
        this.#listed = true;
        this.#timers.setTimeout(() => this.open('first tools/list'), 0);
      }
      return source.listTools();
    };
    return new Proxy(source, {
      get(target, property) {
        if (property === 'listTools') return listTools;
        const value: unknown = Reflect.get(target, property, target);
        // Registry methods use private fields: they must run on the registry itself, not on the proxy.
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
}
