// Small statistics helpers. Every figure the bench reports is a median over repeated runs with its spread
// (min–max), and every comparison is a ratio of two figures measured in the same run.

/**
 * The q-quantile (0..1) of already sorted numbers, by linear interpolation between closest ranks.
 * @param {readonly number[]} sorted ascending
 * @param {number} q
 * @returns {number}
 */
export function quantileSorted(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  if (q <= 0) return /** @type {number} */ (sorted[0]);
  if (q >= 1) return /** @type {number} */ (sorted[sorted.length - 1]);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = /** @type {number} */ (sorted[lower]);
  const high = /** @type {number} */ (sorted[upper]);
  return low + (high - low) * (position - lower);
}

/** @param {readonly number[]} values */
function sortedCopy(values) {
  return [...values].filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
}

/**
 * The q-quantile of unsorted numbers (non-finite values are ignored).
 * @param {readonly number[]} values
 * @param {number} q
 */
export function quantile(values, q) {
  return quantileSorted(sortedCopy(values), q);
}

/** @param {readonly number[]} values */
export function median(values) {
  return quantile(values, 0.5);
}

/**
 * @typedef {object} Summary
 * @property {number} n
 * @property {number} median
 * @property {number} p50
 * @property {number} p95
 * @property {number} p99
 * @property {number} min
 * @property {number} max
 * @property {number} mean
 */

/**
 * Median, tail percentiles and range of a sample.
 * @param {readonly number[]} values
 * @returns {Summary}
 */
export function summarize(values) {
  const sorted = sortedCopy(values);
  const mean =
    sorted.length === 0 ? Number.NaN : sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return {
    n: sorted.length,
    median: quantileSorted(sorted, 0.5),
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    min: sorted.length === 0 ? Number.NaN : /** @type {number} */ (sorted[0]),
    max: sorted.length === 0 ? Number.NaN : /** @type {number} */ (sorted[sorted.length - 1]),
    mean,
  };
}

/**
 * @typedef {object} Figure  A median over runs with its spread, in one unit.
 * @property {number} median
 * @property {number} min
 * @property {number} max
 * @property {number} runs
 * @property {string} unit
 */

/**
 * One reported figure from the per-run values of a metric.
 * @param {readonly number[]} perRun
 * @param {string} unit
 * @returns {Figure}
 */
export function figure(perRun, unit) {
  const summary = summarize(perRun);
  return { median: summary.median, min: summary.min, max: summary.max, runs: summary.n, unit };
}

/**
 * ours / baseline, or NaN when either is missing or the baseline is zero.
 * @param {number | undefined} ours
 * @param {number | undefined} baseline
 */
export function ratio(ours, baseline) {
  if (ours === undefined || baseline === undefined || !Number.isFinite(ours) || !Number.isFinite(baseline)) {
    return Number.NaN;
  }
  return baseline === 0 ? Number.NaN : ours / baseline;
}

/**
 * Relative spread of a figure, (max - min) / median, for "± x %" displays.
 * @param {Figure} value
 */
export function relativeSpread(value) {
  if (!Number.isFinite(value.median) || value.median === 0) return Number.NaN;
  return (value.max - value.min) / Math.abs(value.median);
}
