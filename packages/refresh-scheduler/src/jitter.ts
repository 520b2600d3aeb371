/**
 * One jittered delay, uniformly distributed over `[intervalMs × (1 − jitterFactor), intervalMs × (1 + jitterFactor)]`.
 *
 * `random()` is expected in [0, 1); a value outside [0, 1] is clamped and NaN counts as 0.5 (no jitter), so a
 * misbehaving random source can never push a delay outside the validated bounds.
 */
export function jitteredDelayMs(intervalMs: number, jitterFactor: number, random: () => number): number {
  const sample = random();
  const unit = Number.isNaN(sample) ? 0.5 : Math.min(1, Math.max(0, sample));
  return intervalMs * (1 + jitterFactor * (2 * unit - 1));
}
