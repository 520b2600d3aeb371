import { describe, expect, it } from 'vitest';
import { RefreshScheduler, RefreshSchedulerError, type RefreshSchedulerOptions } from '../src/index.js';

const onRefresh = () => {};

function constructionError(options: unknown): RefreshSchedulerError {
  try {
    new RefreshScheduler(options as RefreshSchedulerOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(RefreshSchedulerError);
    return error as RefreshSchedulerError;
  }
  throw new Error('expected the constructor to throw');
}

describe('option validation', () => {
  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1000', undefined])(
    'rejects intervalMs %s as invalid_interval',
    (intervalMs) => {
      const error = constructionError({ intervalMs, onRefresh });
      expect(error.code).toBe('invalid_interval');
      expect(error.message).toMatch(/intervalMs must be a finite number of milliseconds > 0/);
    },
  );

  it("rejects an interval whose longest jittered delay exceeds setTimeout's 2^31-1 ms limit", () => {
    const error = constructionError({ intervalMs: 2 ** 31 - 1, jitterFactor: 0.2, onRefresh });
    expect(error.code).toBe('invalid_interval');
    expect(error.message).toContain('2147483647');
    expect(error.message).toContain('setTimeout');
    expect(error.message).toContain('fires at once');
  });

  it('accepts the largest interval whose longest delay is exactly 2^31-1 ms', () => {
    const scheduler = new RefreshScheduler({ intervalMs: 2 ** 31 - 1, jitterFactor: 0, onRefresh });
    expect(scheduler.running).toBe(false);
  });

  it.each([-0.1, 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '0.2', null])(
    'rejects jitterFactor %s as invalid_jitter',
    (jitterFactor) => {
      const error = constructionError({ intervalMs: 1000, jitterFactor, onRefresh });
      expect(error.code).toBe('invalid_jitter');
      expect(error.message).toMatch(/0 <= jitterFactor < 1/);
    },
  );

  it.each([
    ['options', null],
    ['onRefresh', { intervalMs: 1000 }],
    ['onRefresh', { intervalMs: 1000, onRefresh: 'sync' }],
    ['logger', { intervalMs: 1000, onRefresh, logger: { info: () => {} } }],
    ['clock', { intervalMs: 1000, onRefresh, clock: 0 }],
    ['random', { intervalMs: 1000, onRefresh, random: 0.5 }],
    ['timers', { intervalMs: 1000, onRefresh, timers: { setTimeout } }],
    ['keepAlive', { intervalMs: 1000, onRefresh, keepAlive: 'yes' }],
    ['runOnStart', { intervalMs: 1000, onRefresh, runOnStart: 1 }],
  ])('rejects a bad %s as invalid_option naming it', (name, options) => {
    const error = constructionError(options);
    expect(error.code).toBe('invalid_option');
    expect(error.message).toContain(name);
  });
});
