import { describe, expect, it } from 'vitest';
import { InFlightCalls } from '../../src/server/mcp/in-flight-calls.js';

/** Timers that fire only when the test says so. */
function manualTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  return {
    timers: {
      setTimeout: (callback: () => void) => {
        next += 1;
        pending.set(next, callback);
        return next;
      },
      clearTimeout: (handle: unknown) => {
        pending.delete(handle as number);
      },
    },
    fireAll: () => {
      for (const [id, callback] of [...pending]) {
        pending.delete(id);
        callback();
      }
    },
    get pendingCount() {
      return pending.size;
    },
  };
}

describe('InFlightCalls', () => {
  it('resolves waitForIdle with 0 at once when nothing runs, scheduling no timer', async () => {
    const clock = manualTimers();
    expect(await new InFlightCalls(clock.timers).waitForIdle(1000)).toBe(0);
    expect(clock.pendingCount).toBe(0);
  });

  it('resolves when the last call ends, and clears its deadline', async () => {
    const clock = manualTimers();
    const calls = new InFlightCalls(clock.timers);
    const endFirst = calls.begin();
    const endSecond = calls.begin();
    let result: number | undefined;
    const idle = calls.waitForIdle(1000).then((left) => {
      result = left;
    });
    endFirst();
    endFirst(); // ending twice counts once
    await Promise.resolve();
    expect(result).toBeUndefined();
    expect(calls.count).toBe(1);
    endSecond();
    await idle;
    expect(result).toBe(0);
    expect(clock.pendingCount).toBe(0);
  });

  it('gives up at the deadline with the number of calls still running', async () => {
    const clock = manualTimers();
    const calls = new InFlightCalls(clock.timers);
    calls.begin();
    calls.begin();
    const idle = calls.waitForIdle(1000);
    clock.fireAll();
    expect(await idle).toBe(2);
  });
});
