import { describe, expect, it } from 'vitest';
import { CallLatencyWindow } from '../../src/manager/call-latency.js';

/** A window on a clock the test moves by hand. */
function windowAt(
  startMs: number,
  options: { capacity?: number; bucketMs?: number; historyLength?: number } = {},
) {
  const clock = { nowMs: startMs };
  const window = new CallLatencyWindow({ clock: () => clock.nowMs, ...options });
  return { clock, window };
}

describe('CallLatencyWindow', () => {
  it('has no snapshot before the first call', () => {
    expect(windowAt(0).window.snapshot()).toBeUndefined();
  });

  it('computes nearest-rank p50 and p95 and counts calls and errors', () => {
    const { window } = windowAt(1_000);
    for (let ms = 1; ms <= 20; ms += 1) window.record(ms, ms % 5 === 0);
    expect(window.snapshot()).toMatchObject({ count: 20, errors: 4, p50Ms: 10, p95Ms: 19 });
  });

  it('computes percentiles over the latest `capacity` calls only, while totals keep counting', () => {
    const { window } = windowAt(0, { capacity: 4 });
    for (const ms of [900, 900, 900, 900]) window.record(ms, false);
    for (const ms of [1, 2, 3, 4]) window.record(ms, false);
    expect(window.snapshot()).toMatchObject({ count: 8, errors: 0, p50Ms: 2, p95Ms: 4 });
  });

  it('rounds to 0.1 ms and counts a negative or non-finite duration as 0', () => {
    const { window } = windowAt(0);
    window.record(1.234, false);
    expect(window.snapshot()).toMatchObject({ p50Ms: 1.2 });
    window.record(-5, false);
    window.record(Number.NaN, false);
    expect(window.snapshot()).toMatchObject({ count: 3, p50Ms: 0, p95Ms: 1.2 });
  });

  it('keeps one history entry per time bucket with calls, with that bucket p50', () => {
    const { clock, window } = windowAt(100_000, { bucketMs: 10_000 });
    window.record(10, false);
    window.record(30, true);
    window.record(20, false);
    clock.nowMs += 10_000;
    window.record(50, false);
    clock.nowMs += 30_000; // two empty buckets: no entries for them
    window.record(7, false);
    expect(window.snapshot()?.history).toEqual([
      { atMs: 100_000, count: 3, errors: 1, cancelled: 0, p50Ms: 20 },
      { atMs: 110_000, count: 1, errors: 0, cancelled: 0, p50Ms: 50 },
      { atMs: 140_000, count: 1, errors: 0, cancelled: 0, p50Ms: 7 },
    ]);
  });

  it('drops buckets older than the history span, also when no call arrives to push them out', () => {
    const { clock, window } = windowAt(0, { bucketMs: 1_000, historyLength: 3 });
    for (let second = 0; second < 5; second += 1) {
      clock.nowMs = second * 1_000;
      window.record(second + 1, false);
    }
    expect(window.snapshot()?.history.map((entry) => entry.atMs)).toEqual([2_000, 3_000, 4_000]);
    clock.nowMs = 6_500; // buckets 4, 5, 6 are the span now: only bucket 4 had calls
    expect(window.snapshot()?.history.map((entry) => entry.atMs)).toEqual([4_000]);
    clock.nowMs = 60_000;
    expect(window.snapshot()).toMatchObject({ count: 5, history: [] });
  });

  it('counts circuit refusals as failed calls without a duration', () => {
    const { window } = windowAt(0);
    window.recordRefused();
    expect(window.snapshot()).toEqual({
      count: 1,
      errors: 1,
      cancelled: 0,
      p50Ms: null,
      p95Ms: null,
      history: [{ atMs: 0, count: 1, errors: 1, cancelled: 0, p50Ms: null }],
    });
    window.record(8, false);
    expect(window.snapshot()).toMatchObject({ count: 2, errors: 1, p50Ms: 8, p95Ms: 8 });
  });

  it('bounds a busy bucket to the latest `capacity` samples for its p50', () => {
    const { window } = windowAt(0, { capacity: 3 });
    for (const ms of [100, 100, 100, 1, 2, 3]) window.record(ms, false);
    expect(window.snapshot()?.history).toEqual([{ atMs: 0, count: 6, errors: 0, cancelled: 0, p50Ms: 2 }]);
  });

  it('counts cancelled calls as cancelled, not as errors, with their durations', () => {
    const { window } = windowAt(0);
    window.record(10, false);
    window.recordCancelled(30);
    window.recordCancelled(20);
    window.record(40, true);
    expect(window.snapshot()).toEqual({
      count: 4,
      errors: 1,
      cancelled: 2,
      p50Ms: 20,
      p95Ms: 40,
      history: [{ atMs: 0, count: 4, errors: 1, cancelled: 2, p50Ms: 20 }],
    });
  });
});
