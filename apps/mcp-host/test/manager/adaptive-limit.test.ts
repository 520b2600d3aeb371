import { ConnectorProxyError } from '@cortex-mcp/connector-proxy';
import { describe, expect, it } from 'vitest';
import { ConnectorManagerError } from '../../src/errors.js';
import {
  AdaptiveLimiter,
  type AdaptiveLimiterOptions,
  eventLoopLoadProbe,
  isCongestionFailure,
  type ManagerTimers,
} from '../../src/manager/index.js';

/** Timers whose callbacks run only when the test ends a window with `tick()`. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let nextId = 0;
  const timers: ManagerTimers = {
    setTimeout: (callback) => {
      nextId += 1;
      pending.set(nextId, callback);
      return nextId;
    },
    clearTimeout: (handle) => {
      pending.delete(handle as number);
    },
  };
  return {
    timers,
    /** Ends the current window: runs the armed callbacks. */
    tick() {
      const due = [...pending.values()];
      pending.clear();
      for (const callback of due) callback();
    },
    get armed() {
      return pending.size;
    },
  };
}

/** A load signal the test sets. */
function loadOf(initial: number) {
  const probe = { value: initial, samples: 0, sample: () => 0 };
  probe.sample = () => {
    probe.samples += 1;
    return probe.value;
  };
  return probe;
}

/** Tasks that settle when the test says, recording how many ran at once. */
function taskBoard() {
  let running = 0;
  let maxRunning = 0;
  const settlers: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  return {
    task: () =>
      new Promise<void>((resolve, reject) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        const done = () => {
          running -= 1;
        };
        settlers.push({
          resolve: () => {
            done();
            resolve();
          },
          reject: (error) => {
            done();
            reject(error);
          },
        });
      }),
    /** Settles the oldest `count` started tasks that are still running. */
    async settle(
      count: number,
      outcome: 'resolve' | 'reject' = 'resolve',
      error: unknown = new Error('down'),
    ) {
      for (const settler of settlers.splice(0, count)) {
        if (outcome === 'resolve') settler.resolve();
        else settler.reject(error);
      }
      await flush();
    },
    get running() {
      return running;
    },
    get maxRunning() {
      return maxRunning;
    },
  };
}

/** Lets settled tasks' continuations run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
}

function setup(options: Partial<AdaptiveLimiterOptions> & { load?: number } = {}) {
  const clock = manualTimers();
  const probe = loadOf(options.load ?? 0.1);
  const changes: Array<{ limit: number; previous: number; reason: string }> = [];
  const limiter = new AdaptiveLimiter({
    floor: 2,
    ceiling: 16,
    timers: clock.timers,
    loadProbe: probe,
    onChange: (change) => changes.push(change),
    ...options,
  });
  const board = taskBoard();
  const submit = (count: number) =>
    Array.from({ length: count }, () => limiter.run(board.task).catch(() => 'failed'));
  return { clock, probe, changes, limiter, board, submit };
}

describe('AdaptiveLimiter growth', () => {
  it('doubles each window while tasks wait and the process is idle, up to the ceiling and never past it', async () => {
    const { clock, limiter, board, submit, changes } = setup({ floor: 2, ceiling: 12 });
    const all = submit(40);
    expect(board.running).toBe(2);
    const limits = [limiter.limit];
    for (let window = 0; window < 5; window += 1) {
      clock.tick();
      limits.push(limiter.limit);
      expect(board.running).toBe(limiter.limit);
    }
    expect(limits).toEqual([2, 4, 8, 12, 12, 12]);
    expect(changes.every((change) => change.reason === 'latency-bound' && change.limit <= 12)).toBe(true);
    while (limiter.pending + limiter.active > 0) await board.settle(5);
    await Promise.all(all);
    expect(board.maxRunning).toBe(12);
    expect(limiter.stats()).toMatchObject({ peakLimit: 12, peakActive: 12, grows: 3, shrinks: 0 });
  });

  it('does not grow while no task waits for a slot', () => {
    const { clock, limiter, submit } = setup({ floor: 2, ceiling: 16 });
    submit(2);
    clock.tick();
    clock.tick();
    expect(limiter.limit).toBe(2);
  });

  it('starts at the initial limit clamped into [floor, ceiling], the floor by default', () => {
    expect(setup({ floor: 2, ceiling: 8, initial: 100 }).limiter.limit).toBe(8);
    expect(setup({ floor: 3, ceiling: 8, initial: 1 }).limiter.limit).toBe(3);
    expect(setup({ floor: 3, ceiling: 8 }).limiter.limit).toBe(3);
    expect(setup({ floor: 2, ceiling: 8, initial: 5 }).limiter.limit).toBe(5);
  });
});

describe('AdaptiveLimiter shrinking', () => {
  it('halves at once on a congestion failure, once per window, and does not grow in that window', async () => {
    const { clock, limiter, board, submit, changes } = setup({ floor: 2, ceiling: 16, initial: 16 });
    submit(40);
    expect(board.running).toBe(16);
    await board.settle(3, 'reject');
    expect(limiter.limit).toBe(8);
    // Sixteen were running; the failures freed three slots, but nothing new starts above the lowered limit.
    expect(board.running).toBe(13);
    clock.tick();
    expect(limiter.limit).toBe(8);
    await board.settle(1, 'reject');
    expect(limiter.limit).toBe(4);
    expect(changes.map((change) => change.reason)).toEqual(['failure', 'failure']);
  });

  it('never goes below the floor', async () => {
    const { clock, limiter, board, submit } = setup({ floor: 3, ceiling: 16, initial: 8 });
    submit(30);
    for (let window = 0; window < 4; window += 1) {
      await board.settle(1, 'reject');
      clock.tick();
    }
    expect(limiter.limit).toBe(3);
    expect(limiter.stats().shrinks).toBe(2);
  });

  it('keeps the limit for failures that are not congestion', async () => {
    const { clock, limiter, board, submit } = setup({ floor: 2, ceiling: 16, isCongestion: () => false });
    submit(10);
    await board.settle(2, 'reject');
    expect(limiter.limit).toBe(2);
    clock.tick();
    expect(limiter.limit).toBe(4);
  });

  it('halves under CPU pressure without cancelling running tasks, and grows again when the load drops', async () => {
    const { clock, probe, limiter, board, submit, changes } = setup({
      floor: 2,
      ceiling: 16,
      initial: 8,
      busyThreshold: 0.8,
    });
    submit(30);
    probe.value = 0.95;
    clock.tick();
    expect(limiter.limit).toBe(4);
    expect(board.running).toBe(8);
    await board.settle(3);
    expect(board.running).toBe(5);
    await board.settle(2);
    expect(board.running).toBe(4);
    probe.value = 0.2;
    clock.tick();
    expect(limiter.limit).toBe(8);
    expect(board.running).toBe(8);
    expect(changes.map((change) => change.reason)).toEqual(['cpu-pressure', 'latency-bound']);
  });
});

describe('AdaptiveLimiter tasks', () => {
  it('settles like the task, including a synchronous throw', async () => {
    const { limiter } = setup();
    await expect(limiter.run(() => 42)).resolves.toBe(42);
    await expect(limiter.run(async () => 'later')).resolves.toBe('later');
    await expect(
      limiter.run(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(limiter.active).toBe(0);
  });

  it('measures only while tasks run or wait', async () => {
    const { clock, probe, board, submit } = setup();
    expect(clock.armed).toBe(0);
    const all = submit(3);
    expect(clock.armed).toBe(1);
    await board.settle(2);
    await board.settle(1);
    await Promise.all(all);
    clock.tick();
    expect(clock.armed).toBe(0);
    expect(probe.samples).toBe(1);
  });

  it('refuses a floor above the ceiling, a floor below 1 and a threshold outside (0, 1]', () => {
    const attempts: AdaptiveLimiterOptions[] = [
      { floor: 8, ceiling: 4 },
      { floor: 0, ceiling: 4 },
      { floor: 1.5, ceiling: 4 },
      { floor: 1, ceiling: 4, busyThreshold: 0 },
      { floor: 1, ceiling: 4, sampleIntervalMs: 0 },
      { floor: 1, ceiling: 4, initial: Number.NaN },
    ];
    for (const options of attempts) {
      const error = (() => {
        try {
          new AdaptiveLimiter(options);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ConnectorManagerError);
      expect((error as ConnectorManagerError).code).toBe('invalid_options');
    }
  });
});

describe('load signals', () => {
  it('the event-loop probe reports a loop that never waits as busy', () => {
    const probe = eventLoopLoadProbe();
    probe.sample();
    const spinUntil = performance.now() + 30;
    while (performance.now() < spinUntil) {
      // Busy on purpose: no I/O wait in this window.
    }
    expect(probe.sample()).toBeGreaterThan(0.9);
  });

  it('counts timeouts and unreachable upstreams as congestion, configuration problems not', () => {
    expect(isCongestionFailure(new ConnectorProxyError('connect_timeout', 'a', 'slow'))).toBe(true);
    expect(isCongestionFailure(new ConnectorProxyError('unavailable', 'a', 'refused'))).toBe(true);
    expect(isCongestionFailure(new ConnectorProxyError('unauthorized', 'a', '401'))).toBe(false);
    expect(isCongestionFailure(new ConnectorProxyError('protocol', 'a', 'bad'))).toBe(false);
    expect(isCongestionFailure(new ConnectorManagerError('missing_api_key', 'no key'))).toBe(false);
    expect(isCongestionFailure(new TypeError('fetch failed'))).toBe(true);
  });
});
