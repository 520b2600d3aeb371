import { describe, expect, it } from 'vitest';
import { RefreshScheduler } from '../src/index.js';
import { FakeTimers, seededRandom, settle } from './support/fake-world.js';

const intervalMs = 10_000;

function firstDelayMs(jitterFactor: number, randomValue: number): number {
  const timers = new FakeTimers();
  const scheduler = new RefreshScheduler({
    intervalMs,
    jitterFactor,
    onRefresh: () => {},
    timers,
    clock: timers.clock,
    random: () => randomValue,
  });
  scheduler.start();
  expect(scheduler.nextRunAtMs).toBe(timers.nowMs + timers.only().delayMs);
  return timers.only().delayMs;
}

describe('jittered delay', () => {
  it('keeps 2000 delays within interval × (1 ± jitter) and spreads them over the whole range', () => {
    const jitterFactor = 0.2;
    const timers = new FakeTimers();
    const scheduler = new RefreshScheduler({
      intervalMs,
      jitterFactor,
      onRefresh: () => {},
      timers,
      random: seededRandom(42),
    });
    for (let sample = 0; sample < 2000; sample += 1) {
      scheduler.start();
      void scheduler.stop();
    }
    const delays = timers.scheduledDelaysMs;
    expect(delays).toHaveLength(2000);
    const low = intervalMs * (1 - jitterFactor);
    const high = intervalMs * (1 + jitterFactor);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(low);
    expect(Math.max(...delays)).toBeLessThanOrEqual(high);
    // Uniform over [8000, 12000]: each tenth of the range gets roughly 200 samples; a fixed delay would fill one.
    const buckets = Array.from({ length: 10 }, () => 0);
    for (const delay of delays) {
      const bucket = Math.min(9, Math.floor(((delay - low) / (high - low)) * 10));
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    for (const count of buckets) expect(count).toBeGreaterThan(120);
  });

  it('reaches interval × (1 − jitter) exactly when random() returns 0', () => {
    expect(firstDelayMs(0.2, 0)).toBe(intervalMs * (1 - 0.2));
  });

  it('reaches interval × (1 + jitter) as random() approaches 1', () => {
    expect(firstDelayMs(0.2, 1 - Number.EPSILON)).toBeCloseTo(intervalMs * (1 + 0.2), 6);
    expect(firstDelayMs(0.2, 1)).toBe(intervalMs * (1 + 0.2));
  });

  it('uses the plain interval when jitterFactor is 0', () => {
    expect(firstDelayMs(0, 0)).toBe(intervalMs);
    expect(firstDelayMs(0, 0.999)).toBe(intervalMs);
  });

  it('clamps a random() result outside [0, 1] into the jitter bounds', () => {
    expect(firstDelayMs(0.2, 7)).toBe(intervalMs * 1.2);
    expect(firstDelayMs(0.2, -3)).toBe(intervalMs * 0.8);
    expect(firstDelayMs(0.2, Number.NaN)).toBe(intervalMs);
  });

  it('draws a fresh delay for every timer, including the one after each run', async () => {
    const timers = new FakeTimers();
    const randomValues = [0, 1, 0.5, 0.25];
    const scheduler = new RefreshScheduler({
      intervalMs,
      onRefresh: () => {},
      timers,
      random: () => randomValues.shift() ?? 0.5,
    });
    scheduler.start();
    for (let run = 0; run < 3; run += 1) {
      timers.fireNext();
      await settle();
    }
    expect(timers.scheduledDelaysMs).toEqual([8000, 12000, 10000, 9000]);
    await scheduler.stop();
  });
});
