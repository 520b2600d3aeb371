import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManagerTimers } from '../../src/manager/index.js';
import { MapRetry } from '../../src/manager/map-retry.js';
import { entry, mapOf, TestBed, toolNames } from './fixtures.js';

/** Timers that only record: a test fires the ones it wants, so no real time passes. */
function recordingTimers() {
  const pending = new Map<number, { callback: () => void; delayMs: number }>();
  let next = 0;
  const timers: ManagerTimers = {
    setTimeout(callback, delayMs) {
      next += 1;
      pending.set(next, { callback, delayMs });
      return next;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
  };
  /** Fires (and removes) the pending timers whose delay `select` accepts; returns how many fired. */
  const fire = (select: (delayMs: number) => boolean): number => {
    const due = [...pending].filter(([, timer]) => select(timer.delayMs));
    for (const [handle, timer] of due) {
      pending.delete(handle);
      timer.callback();
    }
    return due.length;
  };
  const delays = () => [...pending.values()].map((timer) => timer.delayMs);
  return { timers, fire, delays };
}

describe('MapRetry', () => {
  const make = (random: () => number, overrides: Partial<ConstructorParameters<typeof MapRetry>[0]> = {}) => {
    const clock = recordingTimers();
    let retries = 0;
    const retry = new MapRetry({
      baseDelayMs: 1_000,
      maxDelayMs: 10_000,
      jitterFactor: 0.2,
      random,
      timers: clock.timers,
      onRetry: () => {
        retries += 1;
      },
      ...overrides,
    });
    return { retry, clock, retries: () => retries };
  };

  it('doubles the delay after each failure up to the ceiling, and starts again after a success', () => {
    const { retry } = make(() => 0.5);
    expect([1, 2, 3, 4, 5, 6].map(() => retry.schedule(0))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
    retry.reset();
    expect(retry.schedule(0)).toBe(1_000);
  });

  it('keeps one retry pending at a time and runs it when due', () => {
    const { retry, clock, retries } = make(() => 0.5);
    retry.schedule(100);
    retry.schedule(200);
    expect(clock.delays()).toEqual([2_000]);
    expect(retry.dueAtMs).toBe(2_200);
    expect(clock.fire(() => true)).toBe(1);
    expect(retries()).toBe(1);
    expect(retry.dueAtMs).toBeNull();
  });

  it('jitters each delay within delay × (1 ± jitter)', () => {
    expect(make(() => 0).retry.schedule(0)).toBe(800);
    expect(make(() => 0.999_999).retry.schedule(0)).toBe(1_200);
  });

  it("never retries before the server's Retry-After, but not beyond the ceiling either", () => {
    expect(make(() => 0.5).retry.schedule(0, 7_500)).toBe(7_500);
    expect(make(() => 0.5).retry.schedule(0, 60_000)).toBe(10_000);
  });
});

describe('the manager without a usable map', () => {
  let bed: TestBed;
  beforeEach(async () => {
    bed = await new TestBed().start();
  });
  afterEach(() => bed.close());

  it('starts degraded when the map endpoint is down and nothing is persisted, then retries early until it loads', async () => {
    const alpha = await bed.demo('alpha');
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
    bed.publisher.setDown(true);
    const clock = recordingTimers();
    const { manager, registry } = bed.manager({
      stateDir: await bed.tempDir(),
      refreshSync: false,
      refreshIntervalMs: 300_000,
      timers: clock.timers,
      random: () => 0.5,
    });
    await manager.start();
    await manager.refresh('joins the start sync');

    let status = manager.status();
    expect(status.ready).toBe(false);
    expect(status.map.freshness).toBe('empty');
    expect(status.map.lastError?.code).toBe('http');
    expect(typeof status.map.nextRetryAtMs).toBe('number');
    // The refresh joined the start sync: one failure so far, so the first retry waits the base delay.
    const isRetry = (delayMs: number) => delayMs < 60_000;
    expect(clock.delays().filter(isRetry)).toEqual([1_000]);
    // A second failure backs off.
    expect(clock.fire(isRetry)).toBe(1);
    await manager.refresh('joins the first retry');
    expect(clock.delays().filter(isRetry)).toEqual([2_000]);
    expect(manager.status().ready).toBe(false);

    bed.publisher.setDown(false);
    expect(clock.fire(isRetry)).toBe(1);
    await manager.refresh('joins the retry');

    status = manager.status();
    expect(status.ready).toBe(true);
    expect(status.map.lastError).toBeNull();
    expect(status.map.nextRetryAtMs).toBeNull();
    expect(toolNames(registry)).toContain('alpha.echo');
    expect(clock.delays().filter(isRetry)).toEqual([]);
  });

  it('does not retry early while the held map is fresh: the timer refresh comes soon enough', async () => {
    const alpha = await bed.demo('alpha');
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
    const clock = recordingTimers();
    const { manager } = bed.manager({
      stateDir: await bed.tempDir(),
      refreshSync: false,
      timers: clock.timers,
      random: () => 0.5,
    });
    await manager.start();
    await manager.refresh('joins the start sync');
    bed.publisher.setDown(true);
    await manager.refresh('fails');

    expect(manager.status().map.lastError?.code).toBe('http');
    expect(manager.status().map.nextRetryAtMs).toBeNull();
    expect(clock.delays().filter((delayMs) => delayMs < 60_000)).toEqual([]);
  });

  it('makes one map request when a timer refresh and a forced refresh start at the same moment', async () => {
    const alpha = await bed.demo('alpha');
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
    const clock = recordingTimers();
    const { manager } = bed.manager({
      stateDir: await bed.tempDir(),
      refreshSync: false,
      timers: clock.timers,
    });
    await manager.start();
    await manager.refresh('joins the start sync');
    const before = bed.publisher.stats.requests;

    expect(clock.fire((delayMs) => delayMs >= 40_000)).toBe(1);
    await Promise.all([manager.refresh('forced at the same moment'), manager.refresh('and again')]);

    expect(bed.publisher.stats.requests - before).toBe(1);
  });
});
