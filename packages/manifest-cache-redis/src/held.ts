/** A value as this host holds it: the caller's value plus what ordering and sharing need. */
export interface Held<T> {
  readonly value: T;
  readonly generatedAtMs: number;
  /** Epoch ms (or Infinity) when it turns stale. */
  readonly expiresAtMs: number;
  /**
   * The shared map's version it came from or was written as; `null` when it never went through Redis.
   * Mutable: set once when a value held locally is shared.
   */
  version: number | null;
}

/** Whether `candidate` is older than `current` (a rollback): never replace a value with an older one. */
export function isOlder(candidate: Held<unknown>, current: Held<unknown> | undefined): boolean {
  return current !== undefined && candidate.generatedAtMs < current.generatedAtMs;
}

/**
 * Whether a shared value is news to a host holding `local`: a newer map, or the same map stored again under
 * another version (re-fetched, e.g. with a new ETag). Never an older map.
 */
export function isNews(shared: Held<unknown>, local: Held<unknown> | undefined): boolean {
  if (local === undefined) return true;
  if (shared.generatedAtMs !== local.generatedAtMs) return shared.generatedAtMs > local.generatedAtMs;
  return shared.version !== local.version;
}

/**
 * The absolute expiry of a loader result (`ttlMs` counts from `nowMs`, when the load finished), or `undefined`
 * when the result or its lifetime is unusable: such a result is handed to `ManifestCache` as it is, which rejects
 * it with its own `invalid_load_result` / `invalid_ttl` error, and it never reaches Redis.
 */
export function loadedExpiry(result: unknown, nowMs: number): number | undefined {
  if (typeof result !== 'object' || result === null || !('value' in result)) return undefined;
  const { ttlMs, expiresAtMs } = result as { ttlMs?: unknown; expiresAtMs?: unknown };
  if ((ttlMs === undefined) === (expiresAtMs === undefined)) return undefined;
  if (ttlMs !== undefined) {
    return typeof ttlMs === 'number' && ttlMs >= 0 ? nowMs + ttlMs : undefined;
  }
  return typeof expiresAtMs === 'number' && !Number.isNaN(expiresAtMs) && expiresAtMs !== -Infinity
    ? expiresAtMs
    : undefined;
}
