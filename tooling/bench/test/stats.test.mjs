import { describe, expect, it } from 'vitest';
import { figure, median, quantile, ratio, relativeSpread, summarize } from '../lib/stats.mjs';

describe('stats', () => {
  it('interpolates quantiles between closest ranks', () => {
    const values = [10, 20, 30, 40, 50];
    expect(quantile(values, 0.5)).toBe(30);
    expect(quantile(values, 0.25)).toBe(20);
    expect(quantile(values, 0.95)).toBeCloseTo(48);
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
  });

  it('ignores non-finite values and answers NaN for an empty sample', () => {
    expect(median([1, Number.NaN, 3])).toBe(2);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('summarizes a sample with tail percentiles, range and mean', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    const summary = summarize(values);
    expect(summary).toMatchObject({ n: 100, min: 1, max: 100, mean: 50.5 });
    expect(summary.p50).toBeCloseTo(50.5);
    expect(summary.p95).toBeCloseTo(95.05);
    expect(summary.p99).toBeCloseTo(99.01);
  });

  it('reports a figure as the median over runs with its spread', () => {
    const value = figure([1500, 1480, 1620], 'ms');
    expect(value).toEqual({ median: 1500, min: 1480, max: 1620, runs: 3, unit: 'ms' });
    expect(relativeSpread(value)).toBeCloseTo(140 / 1500);
  });

  it('takes ratios only of finite figures with a non-zero baseline', () => {
    expect(ratio(1500, 5000)).toBeCloseTo(0.3);
    expect(Number.isNaN(ratio(1, 0))).toBe(true);
    expect(Number.isNaN(ratio(undefined, 2))).toBe(true);
  });
});
