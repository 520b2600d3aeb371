import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_RECONNECT } from '../src/backoff.js';

const options = { initialDelayMs: 100, maxDelayMs: 2_000, factor: 2 };

describe('backoffDelayMs', () => {
  it('scales the capped exponential ceiling by random() (full jitter)', () => {
    const nearOne = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 5, 10].map((attempt) => backoffDelayMs(attempt, options, nearOne))).toEqual([
      99, 199, 399, 799, 1_599, 1_999, 1_999,
    ]);
    expect(backoffDelayMs(3, options, () => 0)).toBe(0);
    expect(backoffDelayMs(3, options, () => 0.25)).toBe(200);
  });

  it('defaults to 500 ms growing ×2 up to 30 s', () => {
    expect(DEFAULT_RECONNECT).toEqual({ initialDelayMs: 500, maxDelayMs: 30_000, factor: 2 });
  });
});
