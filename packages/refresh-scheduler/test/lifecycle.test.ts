import { describe, expect, it } from 'vitest';
import { type RefreshContext, RefreshScheduler, RefreshSchedulerError } from '../src/index.js';
import { deferred, FakeTimers, recordingLogger, settle } from './support/fake-world.js';

const intervalMs = 1000;

function setup(options: { runOnStart?: boolean; keepAlive?: boolean } = {}) {
  const timers = new FakeTimers();
  const logger = recordingLogger();
  const contexts: RefreshContext[] = [];
  let finish = deferred();
  const scheduler = new RefreshScheduler({
    intervalMs,
    jitterFactor: 0,
    timers,
    clock: timers.clock,
    logger,
    onRefresh: (context) => {
      contexts.push(context);
      finish = deferred();
      return finish.promise;
    },
    ...options,
  });
  return {
    timers,
    logger,
    contexts,
    scheduler,
    finish: () => finish.resolve(),
    fail: (error: unknown) => finish.reject(error),
  };
}

function trackSettled(promise: Promise<unknown>): { readonly settled: boolean } {
  const state = { settled: false };
  void promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

describe('start', () => {
  it('arms one timer and runs onRefresh with reason "timer" when it fires', async () => {
    const { timers, contexts, scheduler, finish } = setup();
    scheduler.start();
    expect(scheduler.running).toBe(true);
    expect(timers.only().delayMs).toBe(intervalMs);
    expect(contexts).toHaveLength(0);
    timers.fireNext();
    await settle();
    expect(contexts.map((context) => context.reason)).toEqual(['timer']);
    expect(scheduler.inFlight).toBe(true);
    expect(scheduler.nextRunAtMs).toBeUndefined();
    finish();
    await scheduler.stop();
  });

  it('is idempotent while running: a second start arms no second timer', async () => {
    const { timers, scheduler } = setup();
    scheduler.start();
    scheduler.start();
    expect(timers.pending).toHaveLength(1);
    expect(timers.scheduledDelaysMs).toHaveLength(1);
    await scheduler.stop();
  });

  it('runs at once with reason "start" when runOnStart is set, then arms the timer after that run', async () => {
    const { timers, contexts, scheduler, finish } = setup({ runOnStart: true });
    scheduler.start();
    await settle();
    expect(contexts.map((context) => context.reason)).toEqual(['start']);
    expect(timers.pending).toHaveLength(0);
    finish();
    await settle();
    expect(timers.only().delayMs).toBe(intervalMs);
    await scheduler.stop();
  });

  it('unrefs every timer handle by default so the scheduler never holds the process open', async () => {
    const { timers, scheduler } = setup();
    scheduler.start();
    expect(timers.only().unrefCalls).toBe(1);
    await scheduler.stop();
  });

  it('leaves timer handles referenced when keepAlive is true', async () => {
    const { timers, scheduler } = setup({ keepAlive: true });
    scheduler.start();
    expect(timers.only().unrefCalls).toBe(0);
    await scheduler.stop();
  });
});

describe('stop', () => {
  it('cancels the pending timer', async () => {
    const { timers, scheduler } = setup();
    scheduler.start();
    const armed = timers.only();
    await scheduler.stop();
    expect(timers.cleared).toEqual([armed.id]);
    expect(timers.pending).toHaveLength(0);
    expect(scheduler.running).toBe(false);
    expect(scheduler.nextRunAtMs).toBeUndefined();
  });

  it('resolves only after the run in flight has finished, and aborts that run’s signal', async () => {
    const { timers, contexts, scheduler, finish } = setup();
    scheduler.start();
    timers.fireNext();
    await settle();
    const stopping = trackSettled(scheduler.stop());
    await settle();
    expect(stopping.settled).toBe(false);
    expect(scheduler.inFlight).toBe(true);
    const signal = contexts[0]?.signal;
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(RefreshSchedulerError);
    expect(signal?.reason).toMatchObject({ code: 'stopped' });

    finish();
    await settle();
    expect(stopping.settled).toBe(true);
    expect(scheduler.inFlight).toBe(false);
    expect(scheduler.runCount).toBe(1);
    expect(timers.pending).toHaveLength(0);
  });

  it('resolves, not rejects, when the run in flight fails', async () => {
    const { timers, logger, scheduler, fail } = setup();
    const boom = new Error('failed during shutdown');
    scheduler.start();
    timers.fireNext();
    await settle();
    const stopping = scheduler.stop();
    fail(boom);
    await expect(stopping).resolves.toBeUndefined();
    expect(logger.entries.find((entry) => entry.level === 'warn')?.obj.err).toBe(boom);
    expect(timers.pending).toHaveLength(0);
  });

  it('is idempotent: every stop call waits for the same run in flight', async () => {
    const { timers, scheduler, finish } = setup();
    scheduler.start();
    timers.fireNext();
    await settle();
    const first = trackSettled(scheduler.stop());
    const second = trackSettled(scheduler.stop());
    await settle();
    expect([first.settled, second.settled]).toEqual([false, false]);
    finish();
    await settle();
    expect([first.settled, second.settled]).toEqual([true, true]);
    await expect(scheduler.stop()).resolves.toBeUndefined();
  });

  it('makes forceRefresh reject with code "stopped" until start is called again', async () => {
    const { contexts, scheduler } = setup();
    scheduler.start();
    await scheduler.stop();
    const error = await scheduler.forceRefresh().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RefreshSchedulerError);
    expect((error as RefreshSchedulerError).code).toBe('stopped');
    expect((error as RefreshSchedulerError).message).toMatch(/call start\(\) first/);
    expect(contexts).toHaveLength(0);
  });

  it('makes forceRefresh reject with "stopped" instead of joining a run that is being stopped', async () => {
    const { timers, scheduler, finish } = setup();
    scheduler.start();
    timers.fireNext();
    await settle();
    const stopping = scheduler.stop();
    await expect(scheduler.forceRefresh()).rejects.toMatchObject({ code: 'stopped' });
    finish();
    await stopping;
  });
});

describe('start after stop', () => {
  it('arms a fresh timer and keeps running on schedule', async () => {
    const { timers, contexts, scheduler, finish } = setup();
    scheduler.start();
    await scheduler.stop();
    scheduler.start();
    expect(scheduler.running).toBe(true);
    expect(timers.only().delayMs).toBe(intervalMs);
    timers.fireNext();
    await settle();
    finish();
    await settle();
    expect(contexts).toHaveLength(1);
    expect(timers.pending).toHaveLength(1);
    const forced = scheduler.forceRefresh();
    await settle();
    finish();
    await forced;
    expect(contexts.map((context) => context.reason)).toEqual(['timer', 'forced']);
    await scheduler.stop();
  });

  it('restarting while the stopped run is still in flight starts no second run and arms one timer when it ends', async () => {
    const { timers, contexts, scheduler, finish } = setup({ runOnStart: true });
    scheduler.start();
    await settle();
    const stopping = scheduler.stop();
    scheduler.start();
    await settle();
    expect(contexts).toHaveLength(1);
    expect(timers.pending).toHaveLength(0);
    finish();
    await stopping;
    expect(timers.pending).toHaveLength(1);
    expect(scheduler.running).toBe(true);
    await scheduler.stop();
  });
});
