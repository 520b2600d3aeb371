import type { ToolRegistryChangeEvent, ToolRegistryListener, ToolRegistryLogger } from './types.js';

/**
 * Delivers change events to listeners, in version order, each listener isolated from the others.
 * A listener that changes the registry while being notified queues its event behind the current
 * one instead of overtaking it.
 */
export class ChangeEmitter {
  readonly #listeners = new Set<ToolRegistryListener>();
  readonly #queue: ToolRegistryChangeEvent[] = [];
  readonly #logger: ToolRegistryLogger;
  #draining = false;

  constructor(logger: ToolRegistryLogger) {
    this.#logger = logger;
  }

  subscribe(listener: ToolRegistryListener): () => void {
    // A wrapper makes every subscription distinct, so subscribing one function twice means two calls.
    const entry: ToolRegistryListener = (event) => listener(event);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(event: ToolRegistryChangeEvent): void {
    this.#queue.push(event);
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
        for (const listener of [...this.#listeners]) {
          if (this.#listeners.has(listener)) this.#deliver(listener, next);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  #deliver(listener: ToolRegistryListener, event: ToolRegistryChangeEvent): void {
    try {
      const result = listener(event);
      if (result instanceof Promise) result.catch((error: unknown) => this.#report(error, event));
    } catch (error) {
      this.#report(error, event);
    }
  }

  #report(error: unknown, event: ToolRegistryChangeEvent): void {
    const log = this.#logger.error?.bind(this.#logger) ?? this.#logger.warn.bind(this.#logger);
    log(
      { err: error, version: event.version },
      'tool registry change listener failed; other listeners still ran',
    );
  }
}
