import { summarizeError } from './errors.js';
import { parseLoadResult, resolveExpiresAtMs } from './lifetime.js';
import type {
  ManifestCacheErrorSummary,
  ManifestCacheLike,
  ManifestCacheOptions,
  ManifestCacheState,
  ManifestLifetime,
  ManifestLoader,
} from './types.js';

interface Entry<T> {
  readonly value: T;
  readonly storedAtMs: number;
  /** Epoch ms, or Infinity for a value that never expires. */
  readonly expiresAtMs: number;
}

interface Flight<T> {
  /** Identity of this load: a load only writes to the cache while it is still the current flight. */
  readonly token: object;
  readonly promise: Promise<T>;
}

const ignoreRejection = (): void => {};

/** The one freshness rule: fresh strictly before the expiry instant, stale from it on. */
function isFresh(entry: Entry<unknown>, nowMs: number): boolean {
  return nowMs < entry.expiresAtMs;
}

/**
 * An in-memory cache for one value (e.g. a service map) with three states: `fresh` while its lifetime holds,
 * `stale` after it (still served: resilience), `empty` before anything is stored.
 *
 * On top of plain `set`/`get`, {@link ManifestCache.getOrLoad} gives stale-while-revalidate, stale-if-error and
 * single-flight loading, and {@link ManifestCache.refresh} forces a load and awaits it.
 *
 * Rules shared by every load:
 * - At most one load runs at a time; callers arriving while it runs join it (the loader is called once).
 * - A successful load stores its value (lifetime counted from when it finished) and clears `lastError`.
 * - A failed load keeps whatever value was there, records `lastError`, and calls `onError` once.
 * - `set()` and `clear()` win over a load in flight: that load still settles for its callers, but its value or
 *   error is not recorded, and the next load starts afresh.
 *
 * @typeParam T - the cached value's type
 */
export class ManifestCache<T> implements ManifestCacheLike<T> {
  readonly #clock: () => number;
  readonly #onError: ((error: unknown) => void) | undefined;
  #entry: Entry<T> | undefined;
  #flight: Flight<T> | undefined;
  #lastLoadedAtMs: number | null = null;
  #lastError: ManifestCacheErrorSummary | null = null;
  #lastErrorAtMs: number | null = null;

  /** @param options - see {@link ManifestCacheOptions} */
  constructor(options: ManifestCacheOptions = {}) {
    this.#clock = options.clock ?? Date.now;
    this.#onError = options.onError;
  }

  /**
   * Stores `value` with a lifetime, replacing any value, clearing `lastError`, and detaching a load in flight.
   *
   * @throws `ManifestCacheError` with code `invalid_ttl` if the lifetime is unusable (the cache is left unchanged)
   */
  set(value: T, lifetime: ManifestLifetime): void {
    const nowMs = this.#clock();
    const expiresAtMs = resolveExpiresAtMs(lifetime, nowMs, 'set()');
    this.#flight = undefined;
    this.#store(value, nowMs, expiresAtMs);
  }

  /** The stored value, fresh or stale; `undefined` when empty. Never loads. */
  get(): T | undefined {
    return this.#entry?.value;
  }

  /** The stored value only while it is fresh; `undefined` when stale or empty. Never loads. */
  getFresh(): T | undefined {
    const entry = this.#entry;
    return entry !== undefined && isFresh(entry, this.#clock()) ? entry.value : undefined;
  }

  /**
   * - fresh: resolves with the value; `loader` is not called.
   * - stale: resolves at once with the stale value, and starts one background load (or joins the one running).
   *   Its failure is recorded and passed to `onError`; it never becomes an unhandled rejection.
   * - empty: waits for the (shared) load and resolves with its value, or rejects with the loader's own error.
   */
  async getOrLoad(loader: ManifestLoader<T>): Promise<T> {
    const entry = this.#entry;
    if (entry === undefined) return this.#load(loader);
    if (!isFresh(entry, this.#clock())) this.#load(loader).catch(ignoreRejection);
    return entry.value;
  }

  /**
   * Forces a load whatever the state (joining one already running) and resolves with the loaded value.
   * Rejects with the loader's own error on failure; the previous value, if any, stays and is still served.
   */
  refresh(loader: ManifestLoader<T>): Promise<T> {
    return this.#load(loader);
  }

  /** A JSON-friendly snapshot: status, age, expiry, whether a load runs, last load and last error. */
  inspect(): ManifestCacheState {
    const entry = this.#entry;
    const nowMs = this.#clock();
    return {
      status: entry === undefined ? 'empty' : isFresh(entry, nowMs) ? 'fresh' : 'stale',
      storedAtMs: entry?.storedAtMs ?? null,
      ageMs: entry === undefined ? null : Math.max(0, nowMs - entry.storedAtMs),
      expiresAtMs: entry === undefined || entry.expiresAtMs === Infinity ? null : entry.expiresAtMs,
      loading: this.#flight !== undefined,
      lastLoadedAtMs: this.#lastLoadedAtMs,
      lastError: this.#lastError,
      lastErrorAtMs: this.#lastErrorAtMs,
    };
  }

  /** Forgets the value, the last load and the last error, and detaches a load in flight. */
  clear(): void {
    this.#entry = undefined;
    this.#flight = undefined;
    this.#lastLoadedAtMs = null;
    this.#lastError = null;
    this.#lastErrorAtMs = null;
  }

  #load(loader: ManifestLoader<T>): Promise<T> {
    if (this.#flight === undefined) {
      const token = {};
      this.#flight = { token, promise: this.#run(loader, token) };
    }
    return this.#flight.promise;
  }

  async #run(loader: ManifestLoader<T>, token: object): Promise<T> {
    // Yield before calling the loader so the flight is registered even if the loader throws synchronously
    // or calls back into this cache.
    await Promise.resolve();
    try {
      const loaded = await loader();
      const nowMs = this.#clock();
      const result = parseLoadResult<T>(loaded, nowMs);
      if (this.#flight?.token === token) {
        this.#flight = undefined;
        this.#store(result.value, nowMs, result.expiresAtMs);
        this.#lastLoadedAtMs = nowMs;
      }
      return result.value;
    } catch (error) {
      if (this.#flight?.token === token) {
        this.#flight = undefined;
        this.#lastError = summarizeError(error);
        this.#lastErrorAtMs = this.#clock();
      }
      this.#report(error);
      throw error;
    }
  }

  #store(value: T, storedAtMs: number, expiresAtMs: number): void {
    this.#entry = { value, storedAtMs, expiresAtMs };
    this.#lastError = null;
    this.#lastErrorAtMs = null;
  }

  #report(error: unknown): void {
    try {
      this.#onError?.(error);
    } catch {
      // A throwing error handler must not turn a recorded, stale-served failure into an outage.
    }
  }
}
