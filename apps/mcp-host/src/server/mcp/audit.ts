/** One forwarded request as the audit log records it: who, which session, what, where, how it ended, how long. */
export interface AuditEntry {
  /** The identity the door let in (`key:<name>`); absent when the door asks nobody (auth none, stdio). */
  readonly subject?: string;
  readonly sessionId?: string;
  /** `tools/call`, `resources/read`, `prompts/get`, `completion/complete`, `resources/subscribe`, `tasks/…`. */
  readonly method: string;
  readonly connectorId: string;
  /** The tool or prompt name, resource URI or task id the client gave (public form); never arguments. */
  readonly name?: string;
  /** `ok`; `tool_error` (an `isError` result); `error` (a JSON-RPC error, with its `code`); `cancelled`. */
  readonly outcome: 'ok' | 'tool_error' | 'error' | 'cancelled';
  readonly code?: number;
  readonly durationMs: number;
}

/** Where audit entries go. It must not throw; it never sees arguments, results or credentials. */
export type AuditSink = (entry: AuditEntry) => void;

/** What a forwarded request is, for the audit log and for messages. */
export interface ForwardTarget {
  readonly connectorId: string;
  readonly method: string;
  readonly name?: string;
}

/** How a request that settled with `result` or `error` ended. */
export function outcomeOf(
  settled: { readonly result?: unknown; readonly error?: unknown },
  signal: AbortSignal,
): Pick<AuditEntry, 'outcome' | 'code'> {
  if (signal.aborted) return { outcome: 'cancelled' };
  if ('error' in settled) {
    const code = (settled.error as { code?: unknown } | undefined)?.code;
    return { outcome: 'error', ...(typeof code === 'number' ? { code } : {}) };
  }
  return (settled.result as { isError?: unknown } | undefined)?.isError === true
    ? { outcome: 'tool_error' }
    : { outcome: 'ok' };
}
