/** The logging calls the parts that run before the connect phase make (registry, MCP surface, start-up). */
export interface StartupLogger {
  trace(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  fatal(obj: object, msg?: string): void;
}

type Level = keyof StartupLogger;

interface Entry {
  readonly level: Level;
  readonly obj: object;
  readonly msg: string | undefined;
}

// pino's numeric levels: an entry is kept when its level is at least the configured one.
const LEVEL_VALUES: Record<Level | 'silent', number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

/** Entries held before the real logger exists; more are counted, not kept (start-up logs little). */
const MAX_PENDING_ENTRIES = 1000;

/**
 * A logger for the moments before the connect phase: pino is loaded with it (evaluating pino costs a noticeable
 * part of a warm start), so until then entries at or above `level` are held, in order, and written through the
 * real logger by {@link DeferredLogger.attach} — a few hundred milliseconds later, stamped with the time they are
 * written. After `attach` every call goes straight through.
 */
export class DeferredLogger implements StartupLogger {
  readonly #threshold: number;
  #target: StartupLogger | undefined;
  #pending: Entry[] = [];
  #dropped = 0;

  /** `level`: a pino level name (`info`, `warn`, … `silent`); unknown names keep everything. */
  constructor(level: string) {
    this.#threshold = LEVEL_VALUES[level as Level] ?? 0;
  }

  /** Writes the held entries through `target`, then forwards every later call to it. Once. */
  attach(target: StartupLogger): void {
    if (this.#target) return;
    for (const entry of this.#pending) target[entry.level](entry.obj, entry.msg);
    if (this.#dropped > 0) {
      target.warn(
        { dropped: this.#dropped },
        'start-up log entries were dropped while the logger was loading',
      );
    }
    this.#pending = [];
    this.#target = target;
  }

  trace(obj: object, msg?: string): void {
    this.#log('trace', obj, msg);
  }

  debug(obj: object, msg?: string): void {
    this.#log('debug', obj, msg);
  }

  info(obj: object, msg?: string): void {
    this.#log('info', obj, msg);
  }

  warn(obj: object, msg?: string): void {
    this.#log('warn', obj, msg);
  }

  error(obj: object, msg?: string): void {
    this.#log('error', obj, msg);
  }

  fatal(obj: object, msg?: string): void {
    this.#log('fatal', obj, msg);
  }

  #log(level: Level, obj: object, msg: string | undefined): void {
    if (this.#target) {
      this.#target[level](obj, msg);
      return;
    }
    if (LEVEL_VALUES[level] < this.#threshold) return;
    if (this.#pending.length >= MAX_PENDING_ENTRIES) this.#dropped += 1;
    else this.#pending.push({ level, obj, msg });
  }
}

/** A logger that writes nothing (for reads whose problems the manager reports itself). */
export const DISCARD_LOGGER: StartupLogger = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  fatal: () => {},
};
