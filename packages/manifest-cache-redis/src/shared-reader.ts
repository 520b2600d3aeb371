import { describeError, ManifestCacheRedisError } from './errors.js';
import type { FleetStore } from './fleet-store.js';
import type { Held } from './held.js';
import type { VerifiedManifest } from './options.js';
import type { StoredManifest } from './stored-manifest.js';

/** The shared map as this host judged it: verified (`held`), rejected, or absent. */
export interface SharedView<T> {
  /** The stored version read; `null` when no map is stored. */
  readonly version: number | null;
  /** The stored generatedAtMs field as read (untrusted; identifies the record with `version`). */
  readonly generatedAtMs: number | null;
  readonly held?: Held<T> | undefined;
  readonly writerId?: string | undefined;
  /** Why the stored map was not used (failed `verify`, malformed, inconsistent). */
  readonly rejection?: ManifestCacheRedisError | undefined;
}

/** What a rejection looks like in `fleetStatus()`. */
export interface RejectionSummary {
  readonly version: number | null;
  /**
   * Why, as a short code: the `code` of the error `verify` threw (e.g. the service map loader's `signature`),
   * `verify_rejected` when it had none, `malformed` (fields missing or unusable) or `metadata_mismatch` (the stored
   * `generatedAtMs` is not the verified map's).
   */
  readonly reason: string;
  readonly message: string;
  readonly atMs: number;
}

/** A code-like `code` of what `verify` threw, or `fallback`: nothing free-form (it could quote the map). */
function reasonOf(cause: unknown, fallback: string): string {
  const code = (cause as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(code) ? code : fallback;
}

/**
 * Reads the shared map and passes it through `verify` — the only way a value gets from Redis into this host.
 * The verdict is kept per version, so polling an unchanged version costs no read and a rejected version is
 * reported (through `report`) once, not on every poll.
 */
export class SharedReader<T> {
  readonly #verify: (stored: StoredManifest) => VerifiedManifest<T> | PromiseLike<VerifiedManifest<T>>;
  readonly #report: (error: unknown) => void;
  readonly #clock: () => number;
  #known: SharedView<T> | undefined;
  #rejectedReads = 0;
  #lastRejection: RejectionSummary | null = null;

  constructor(options: {
    verify: (stored: StoredManifest) => VerifiedManifest<T> | PromiseLike<VerifiedManifest<T>>;
    report: (error: unknown) => void;
    clock: () => number;
  }) {
    this.#verify = options.verify;
    this.#report = options.report;
    this.#clock = options.clock;
  }

  /** The last verdict, if any. */
  get known(): SharedView<T> | undefined {
    return this.#known;
  }

  get rejectedReads(): number {
    return this.#rejectedReads;
  }

  get lastRejection(): RejectionSummary | null {
    return this.#lastRejection;
  }

  /** Records a map this host itself just stored: no need to read back and re-verify its own write. */
  remember(view: SharedView<T>): void {
    this.#known = view;
  }

  /** Forgets the verdict, so the next `view` reads and verifies again. */
  forget(): void {
    this.#known = undefined;
  }

  /**
   * The verdict on the map a PEEK saw: the remembered one if it is the same (same version and generatedAtMs:
   * versions restart at 1 when Redis loses its data), else a fresh read and verification.
   */
  async view(
    store: FleetStore,
    seen: { version: number | null; generatedAtMs: number | null },
  ): Promise<SharedView<T>> {
    const known = this.#known;
    if (known !== undefined && known.version === seen.version && known.generatedAtMs === seen.generatedAtMs) {
      return known;
    }
    const read = await store.read();
    let view: SharedView<T>;
    if (read === undefined) view = { version: null, generatedAtMs: null };
    else if ('problem' in read) {
      view = this.#reject(read, 'malformed', `the stored map is malformed: ${read.problem}`);
    } else view = await this.#judge(read.manifest);
    this.#known = view;
    return view;
  }

  async #judge(stored: StoredManifest): Promise<SharedView<T>> {
    let verified: VerifiedManifest<T>;
    try {
      verified = await this.#verify(stored);
    } catch (error) {
      const reason = reasonOf(error, 'verify_rejected');
      return this.#reject(stored, reason, `verify rejected it: ${describeError(error)}`, error);
    }
    if (verified?.generatedAtMs !== stored.generatedAtMs || typeof verified.expiresAtMs !== 'number') {
      return this.#reject(
        stored,
        'metadata_mismatch',
        'its generatedAtMs field does not match the verified map (or verify returned no expiresAtMs)',
      );
    }
    const { value, generatedAtMs, expiresAtMs } = verified;
    return {
      version: stored.version,
      generatedAtMs,
      held: { value, generatedAtMs, expiresAtMs, version: stored.version },
      writerId: stored.writerId,
    };
  }

  #reject(
    record: { version: number | null; generatedAtMs: number | null },
    reason: string,
    why: string,
    cause?: unknown,
  ): SharedView<T> {
    const { version, generatedAtMs } = record;
    const rejection = new ManifestCacheRedisError(
      'verification_failed',
      `The map stored in Redis (version ${version ?? 'none'}) was not used: ${why}. The last good map keeps ` +
        'serving; the next refresh replaces the stored one. Check what else writes under this key prefix.',
      { cause },
    );
    this.#rejectedReads += 1;
    this.#lastRejection = { version, reason, message: rejection.message, atMs: this.#clock() };
    this.#report(rejection);
    return { version, generatedAtMs, rejection };
  }
}
