import { describe, expect, it } from 'vitest';
import { type RefreshContext, RefreshScheduler, type RefreshSchedulerOptions } from '../src/index.js';
import { deferred, FakeTimers, recordingLogger, settle } from './support/fake-world.js';

const intervalMs = 1000;

/** An onRefresh whose runs finish only when the test says so, recording calls and peak concurrency. */
function controlledRefresh() {
  const calls: RefreshContext[] = [];
  const finishers: Array<ReturnType<typeof deferred<void>>> = [];
  let active = 0;
  let maxActive = 0;
  const onRefresh = async (context: RefreshContext) => {
    calls.push(context);
    active += 1;
    maxActive = Math.max(maxActive, active);
    const finish = deferred();
    finishers.push(finish);
    try {
      await finish.promise;
    } finally {
      active -= 1;
    }
  };
  return {
    calls,
    onRefresh,
    get maxActive() {
      return maxActive;
    },
    finish: (index = finishers.length - 1) => finishers[index]?.resolve(),
    fail: (error: unknown, index = finishers.length - 1) => finishers[index]?.reject(error),
  };
}

function setup(overrides: Partial<RefreshSchedulerOptions> = {}) {
  const timers = new FakeTimers();
  const logger = recordingLogger();
  const refresh = controlledRefresh();
  const scheduler = new RefreshScheduler({
    intervalMs,
    jitterFactor: 0,
    onRefresh: refresh.onRefresh,
    logger,
    timers,
    clock: timers.clock,
    ...overrides,
  });
  return { timers, logger, refresh, scheduler };
}

describe('no overlapping runs', () => {
  it('joins 100 forceRefresh calls made during one run: onRefresh runs once, concurrency never exceeds 1', async () => {
    const { refresh, scheduler } = setup();
    const first = scheduler.forceRefresh();
    await settle();
    const storm = Array.from({ length: 100 }, () => scheduler.forceRefresh());
    await settle();
    expect(refresh.calls).toHaveLength(1);
    expect(scheduler.inFlight).toBe(true);

    let settledCount = 0;
    for (const promise of storm) void promise.then(() => (settledCount += 1));
    await settle();
    expect(settledCount).toBe(0);

    refresh.finish();
    await Promise.all([first, ...storm]);
    expect(settledCount).toBe(100);
    expect(refresh.calls).toHaveLength(1);
    expect(refresh.maxActive).toBe(1);
    expect(scheduler.runCount).toBe(1);
  });

  it('joins a timer run already in flight instead of starting a second one', async () => {
    const { timers, refresh, scheduler } = setup();
    scheduler.start();
    timers.fireNext();
    await settle();
    const joined = scheduler.forceRefresh();
    await settle();
    expect(refresh.calls.map((call) => call.reason)).toEqual(['timer']);
    refresh.finish();
    await joined;
    expect(refresh.calls).toHaveLength(1);
    await scheduler.stop();
  });

  it('keeps concurrency at 1 across 50 rounds of timer runs interleaved with forceRefresh storms', async () => {
    const { timers, refresh, scheduler } = setup();
    scheduler.start();
    for (let round = 0; round < 50; round += 1) {
      timers.fireNext();
      const storm = Array.from({ length: 10 }, () => scheduler.forceRefresh());
      await settle();
      expect(timers.pending).toHaveLength(0);
      refresh.finish();
      await Promise.all(storm);
    }
    expect(refresh.calls).toHaveLength(50);
    expect(refresh.maxActive).toBe(1);
    expect(timers.pending).toHaveLength(1);
    await scheduler.stop();
  });

  it('a forceRefresh called from inside onRefresh joins the current run', async () => {
    const timers = new FakeTimers();
    let calls = 0;
    let inner: Promise<void> | undefined;
    const scheduler: RefreshScheduler = new RefreshScheduler({
      intervalMs,
      timers,
      onRefresh: () => {
        calls += 1;
        // Bounded so that a scheduler which failed to join would fail this test instead of recursing forever.
        if (calls <= 5) inner = scheduler.forceRefresh();
      },
    });
    await scheduler.forceRefresh();
    await inner;
    expect(calls).toBe(1);
  });
});

describe('forceRefresh', () => {
  it('replaces the pending timer and schedules the next one from the end of the forced run', async () => {
    const { timers, refresh, scheduler } = setup();
    scheduler.start();
    const armedTimer = timers.only();
    timers.advance(300);
    const forced = scheduler.forceRefresh();
    expect(timers.cleared).toEqual([armedTimer.id]);
    expect(scheduler.nextRunAtMs).toBeUndefined();
    await settle();
    timers.advance(200);
    refresh.finish();
    await forced;
    expect(refresh.calls.map((call) => call.reason)).toEqual(['forced']);
    expect(scheduler.lastRunAtMs).toBe(timers.nowMs);
    expect(timers.only().dueAtMs).toBe(timers.nowMs + intervalMs);
    expect(scheduler.nextRunAtMs).toBe(timers.nowMs + intervalMs);
    await scheduler.stop();
  });

  it('runs once and arms no timer when the scheduler was never started', async () => {
    const { timers, refresh, scheduler } = setup();
    const forced = scheduler.forceRefresh();
    await settle();
    refresh.finish();
    await forced;
    expect(refresh.calls).toHaveLength(1);
    expect(timers.pending).toHaveLength(0);
    expect(scheduler.nextRunAtMs).toBeUndefined();
    expect(scheduler.running).toBe(false);
  });

  it('rejects with the error onRefresh threw, unchanged, and so does every call that joined the run', async () => {
    const { refresh, scheduler } = setup();
    const boom = new Error('map endpoint returned 503');
    const first = scheduler.forceRefresh();
    const joined = scheduler.forceRefresh();
    await settle();
    refresh.fail(boom);
    await expect(first).rejects.toBe(boom);
    await expect(joined).rejects.toBe(boom);
    expect(scheduler.lastError).toBe(boom);
  });
});

describe('a failing onRefresh', () => {
  it('is logged with the error and the next run is still scheduled and runs', async () => {
    const { timers, logger, refresh, scheduler } = setup();
    const boom = new Error('upstream down');
    scheduler.start();
    timers.fireNext();
    await settle();
    timers.advance(40);
    refresh.fail(boom);
    await settle();

    const warnings = logger.entries.filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.obj).toMatchObject({ err: boom, reason: 'timer', durationMs: 40, runCount: 1 });
    expect(warnings[0]?.obj.nextRunAtMs).toBe(timers.nowMs + intervalMs);
    expect(scheduler.lastError).toBe(boom);
    expect(timers.only().delayMs).toBe(intervalMs);

    timers.fireNext();
    await settle();
    refresh.finish();
    await settle();
    expect(refresh.calls).toHaveLength(2);
    expect(scheduler.lastError).toBeUndefined();
    expect(scheduler.runCount).toBe(2);
    expect(timers.pending).toHaveLength(1);
    await scheduler.stop();
  });

  it('keeps the schedule when onRefresh throws synchronously', async () => {
    const timers = new FakeTimers();
    const logger = recordingLogger();
    const boom = new TypeError('sync failure');
    const scheduler = new RefreshScheduler({
      intervalMs,
      timers,
      logger,
      onRefresh: () => {
        throw boom;
      },
    });
    scheduler.start();
    timers.fireNext();
    await settle();
    expect(logger.entries.find((entry) => entry.level === 'warn')?.obj.err).toBe(boom);
    expect(timers.pending).toHaveLength(1);
    await scheduler.stop();
  });

  it('keeps the schedule when the logger itself throws', async () => {
    const timers = new FakeTimers();
    let runs = 0;
    const scheduler = new RefreshScheduler({
      intervalMs,
      timers,
      logger: {
        warn: () => {
          throw new Error('logger broken');
        },
      },
      onRefresh: () => {
        runs += 1;
        throw new Error('refresh broken');
      },
    });
    scheduler.start();
    timers.fireNext();
    await settle();
    timers.fireNext();
    await settle();
    expect(runs).toBe(2);
    expect(timers.pending).toHaveLength(1);
    await scheduler.stop();
  });

  it('logs successful runs at debug level only', async () => {
    const { timers, logger, refresh, scheduler } = setup();
    scheduler.start();
    timers.fireNext();
    await settle();
    refresh.finish();
    await settle();
    expect(logger.entries).toEqual([
      {
        level: 'debug',
        obj: { reason: 'timer', durationMs: 0, runCount: 1, nextRunAtMs: timers.nowMs + intervalMs },
        msg: 'refresh finished',
      },
    ]);
    await scheduler.stop();
  });
});
