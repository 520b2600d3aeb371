import type { ConnectorCallStats } from '../status/index.js';

/** Options of {@link CallLatencyWindow}. */
export interface CallLatencyWindowOptions {
  /** Epoch-ms clock: places each call in its history bucket. */
  readonly clock: () => number;
  /** How many of the latest call durations p50/p95 are computed over. Default 100 (also when not a positive integer). */
  readonly capacity?: number;
  /** Width of one history bucket in ms. Default 10 000 (10 s). */
  readonly bucketMs?: number;
  /** How many buckets the history spans, the current one included. Default 30 (5 minutes at 10 s). */
  readonly historyLength?: number;
}

/** How a counted call ended: answered, failed (refusals included), or cancelled by its client. */
type CallOutcome = 'answered' | 'failed' | 'cancelled';

/** One closed or current history bucket. */
interface Bucket {
  readonly index: number;
  count: number;
  errors: number;
  cancelled: number;
  /** This bucket's durations (the latest `capacity` of them), reduced to p50 when the bucket closes. */
  durations: number[];
  /** Set when the bucket closes; undefined while it is the current one. */
  p50Ms: number | null | undefined;
}

const DEFAULT_CAPACITY = 100;
const DEFAULT_BUCKET_MS = 10_000;
const DEFAULT_HISTORY_LENGTH = 30;

/**
 * A small, bounded record of one connector's tool calls for `/status`: totals, p50/p95 over the latest `capacity`
 * durations (a ring buffer), and the p50 of each recent time bucket for a sparkline. Memory is bounded by
 * `capacity` numbers for the ring, `capacity` for the current bucket and `historyLength` closed-bucket summaries,
 * whatever the call rate. Recording sorts nothing: percentiles are computed only when a snapshot is taken.
 */
export class CallLatencyWindow {
  readonly #clock: () => number;
  readonly #capacity: number;
  readonly #bucketMs: number;
  readonly #historyLength: number;
  readonly #ring: number[] = [];
  #next = 0;
  #count = 0;
  #errors = 0;
  #cancelled = 0;
  readonly #buckets: Bucket[] = [];

  constructor(options: CallLatencyWindowOptions) {
    this.#clock = options.clock;
    this.#capacity = positiveInteger(options.capacity, DEFAULT_CAPACITY);
    this.#bucketMs = positiveInteger(options.bucketMs, DEFAULT_BUCKET_MS);
    this.#historyLength = positiveInteger(options.historyLength, DEFAULT_HISTORY_LENGTH);
  }

  /** Records one finished call: its duration in ms (negative counts as 0) and whether it failed. */
  record(durationMs: number, failed: boolean): void {
    this.#recordRun(durationMs, failed ? 'failed' : 'answered');
  }

  /**
   * Records a call its client cancelled (or abandoned by going away): it ran, so its duration counts like any
   * other's, but it says nothing about the connector, so it is counted as cancelled, not as an error.
   */
  recordCancelled(durationMs: number): void {
    this.#recordRun(durationMs, 'cancelled');
  }

  /** Records a call refused before it ran (open circuit): it counts as a failed call but has no duration. */
  recordRefused(): void {
    this.#countCall('failed');
  }

  /** The `calls` member of the connector's `/status` entry, or undefined before the first call. */
  snapshot(): ConnectorCallStats | undefined {
    if (this.#count === 0) return undefined;
    const sorted = [...this.#ring].sort((a, b) => a - b);
    const oldest = this.#bucketIndex() - this.#historyLength + 1;
    return {
      count: this.#count,
      errors: this.#errors,
      cancelled: this.#cancelled,
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      history: this.#buckets
        .filter((bucket) => bucket.index >= oldest)
        .map((bucket) => ({
          atMs: bucket.index * this.#bucketMs,
          count: bucket.count,
          errors: bucket.errors,
          cancelled: bucket.cancelled,
          p50Ms:
            bucket.p50Ms !== undefined
              ? bucket.p50Ms
              : percentile(
                  [...bucket.durations].sort((a, b) => a - b),
                  0.5,
                ),
        })),
    };
  }

  #recordRun(durationMs: number, outcome: CallOutcome): void {
    const duration = Number.isFinite(durationMs) ? Math.max(0, durationMs) : 0;
    if (this.#ring.length < this.#capacity) this.#ring.push(duration);
    else this.#ring[this.#next] = duration;
    this.#next = (this.#next + 1) % this.#capacity;
    const bucket = this.#countCall(outcome);
    if (bucket.durations.length >= this.#capacity) bucket.durations.shift();
    bucket.durations.push(duration);
  }

  #countCall(outcome: CallOutcome): Bucket {
    const bucket = this.#currentBucket();
    this.#count += 1;
    bucket.count += 1;
    if (outcome === 'failed') {
      this.#errors += 1;
      bucket.errors += 1;
    } else if (outcome === 'cancelled') {
      this.#cancelled += 1;
      bucket.cancelled += 1;
    }
    return bucket;
  }

  #bucketIndex(): number {
    return Math.floor(this.#clock() / this.#bucketMs);
  }

  #currentBucket(): Bucket {
    const index = this.#bucketIndex();
    const last = this.#buckets.at(-1);
    if (last && last.index >= index) return last;
    if (last) {
      // Closed: keep the summary, free the samples.
      last.p50Ms = percentile(
        [...last.durations].sort((a, b) => a - b),
        0.5,
      );
      last.durations = [];
    }
    const bucket: Bucket = { index, count: 0, errors: 0, cancelled: 0, durations: [], p50Ms: undefined };
    this.#buckets.push(bucket);
    while (this.#buckets.length > this.#historyLength) this.#buckets.shift();
    return bucket;
  }
}

/** Nearest-rank percentile of ascending `sorted` values, rounded to 0.1 ms; null for none. */
function percentile(sorted: readonly number[], quantile: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(quantile * sorted.length));
  return Math.round((sorted[rank - 1] as number) * 10) / 10;
}

function positiveInteger(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}
