/**
 * How long a stored value stays fresh: either relative to the moment it is stored (`ttlMs`) or absolute
 * (`expiresAtMs`, epoch ms on the cache's clock). Pass exactly one.
 *
 * - `ttlMs: 0` stores the value stale at once (it is served, but every `getOrLoad` revalidates).
 * - `ttlMs: Infinity` or `expiresAtMs: Infinity` never expires.
 * - `expiresAtMs` in the past stores the value stale at once.
 * - Negative, NaN or non-number `ttlMs`, and NaN, `-Infinity` or non-number `expiresAtMs`, throw
 *   `ManifestCacheError` with code `'invalid_ttl'`.
 */
export type ManifestLifetime =
  | { readonly ttlMs: number; readonly expiresAtMs?: never }
  | { readonly expiresAtMs: number; readonly ttlMs?: never };

/** What a loader resolves with: the value and its lifetime, e.g. `{ value, ttlMs: 300_000 }`. */
export type ManifestLoadResult<T> = { readonly value: T } & ManifestLifetime;

/** Produces a new value. May return the result directly or a promise of it; throwing means the load failed. */
export type ManifestLoader<T> = () => ManifestLoadResult<T> | PromiseLike<ManifestLoadResult<T>>;

/** Options of `new ManifestCache<T>(options)`. */
export interface ManifestCacheOptions {
  /** Current time in epoch ms. Default `Date.now`. */
  readonly clock?: () => number;
  /**
   * Called once per failed load (however many callers shared it), after the failure is recorded. The natural
   * place to log and count refresh failures. Errors it throws are ignored, so a logging bug cannot break serving.
   */
  readonly onError?: (error: unknown) => void;
}

/** Freshness of the cache: `fresh` before the value's expiry, `stale` at or after it, `empty` with no value. */
export type ManifestCacheStatus = 'fresh' | 'stale' | 'empty';

/** A JSON-friendly summary of the last failed load's error. */
export interface ManifestCacheErrorSummary {
  /** `error.name` for an `Error`, `'NonError'` for anything else that was thrown. */
  readonly name: string;
  /** `error.message`, the string itself if a string was thrown, or a note naming the thrown type. */
  readonly message: string;
  /** `error.code` when it is a string (e.g. `ECONNREFUSED`, `invalid_ttl`). */
  readonly code?: string;
}

/**
 * A plain snapshot of the cache, safe to `JSON.stringify` (no `Infinity`, no class instances).
 * Times are epoch ms on the cache's clock; `null` means "none".
 */
export interface ManifestCacheState {
  readonly status: ManifestCacheStatus;
  /** When the current value was stored (by `set` or a load); `null` when empty. */
  readonly storedAtMs: number | null;
  /** `now - storedAtMs`, never negative (a clock that steps back reads as 0); `null` when empty. */
  readonly ageMs: number | null;
  /** When the current value turns stale; `null` when empty or when it never expires. */
  readonly expiresAtMs: number | null;
  /** Whether a load is running (and would be joined by the next caller). */
  readonly loading: boolean;
  /** When the last successful load finished; `null` if none has. `set()` does not change it. */
  readonly lastLoadedAtMs: number | null;
  /** The last failed load's error; cleared when a newer value is stored (by a load or `set`). */
  readonly lastError: ManifestCacheErrorSummary | null;
  /** When that load failed; cleared together with `lastError`. */
  readonly lastErrorAtMs: number | null;
}

/**
 * The cache surface, for code that should not care which store backs it (the in-memory `ManifestCache` today;
 * a shared store later). See `ManifestCache` for the rules each method follows.
 */
export interface ManifestCacheLike<T> {
  set(value: T, lifetime: ManifestLifetime): void;
  get(): T | undefined;
  getFresh(): T | undefined;
  getOrLoad(loader: ManifestLoader<T>): Promise<T>;
  refresh(loader: ManifestLoader<T>): Promise<T>;
  inspect(): ManifestCacheState;
  clear(): void;
}
