/** A pino-compatible logger; only `warn` is required. */
export interface RefreshSchedulerLogger {
  /** Called once per failed run with `{ err, reason, durationMs, runCount, nextRunAtMs }`. */
  warn(obj: object, msg?: string): void;
  /** Called once per successful run with `{ reason, durationMs, runCount, nextRunAtMs }`, when present. */
  debug?(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
  error?(obj: object, msg?: string): void;
}

/**
 * The logger used when none is injected: one JSON line per warning on stderr (via `console.warn`), so a failing
 * refresh is never silent. Errors are serialised as `{ type, message, code?, stack }` because `JSON.stringify`
 * turns an `Error` into `{}`.
 */
export const stderrLogger: RefreshSchedulerLogger = {
  warn(obj: object, msg?: string): void {
    console.warn(formatLine('warn', obj, msg));
  },
};

function formatLine(level: string, obj: object, msg: string | undefined): string {
  const record = { level, time: Date.now(), name: 'refresh-scheduler', msg, ...obj };
  try {
    return JSON.stringify(record, serialiseErrors);
  } catch {
    // A circular or BigInt value in a caller's error must not turn a warning into a crash.
    return JSON.stringify({ level, time: record.time, name: record.name, msg });
  }
}

function serialiseErrors(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const code = (value as { code?: unknown }).code;
  return {
    type: value.name,
    message: value.message,
    ...(code === undefined ? {} : { code }),
    stack: value.stack,
  };
}
