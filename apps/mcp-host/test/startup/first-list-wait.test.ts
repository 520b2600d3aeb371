import { describe, expect, it } from 'vitest';
import { FirstListWait, type FirstSyncSource } from '../../src/startup/index.js';
import { ManualTimers } from '../server/manual-timers.js';

/** A stand-in for the manager: its status, and a start sync the test settles. */
function manager(status: Partial<ReturnType<FirstSyncSource['status']>> = {}) {
  let settle: (ok: boolean) => void = () => {};
  const reasons: string[] = [];
  const source: FirstSyncSource = {
    status: () => ({ lastSync: null, connectors: [], ...status }),
    refresh: (reason = 'forced') => {
      reasons.push(reason);
      return new Promise((resolve, reject) => {
        settle = (ok) => (ok ? resolve({}) : reject(new Error('sync failed')));
      });
    },
  };
  return { source, reasons, settle: (ok: boolean) => settle(ok) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('FirstListWait', () => {
  it('holds lists until released, then never again', async () => {
    const clock = new ManualTimers();
    const wait = new FirstListWait({ boundMs: 11_000, timers: clock.timers });
    const first = wait.ready();
    const second = wait.ready();
    expect(first).toBeInstanceOf(Promise);
    expect(second).toBe(first);
    wait.release();
    await expect(first).resolves.toBeUndefined();
    expect(wait.ready()).toBeUndefined();
    expect(clock.pendingDelays()).toEqual([]); // the bound's timer was cleared
  });

  it('bounds the wait from the first list that waits, once, and logs that it did', async () => {
    const clock = new ManualTimers();
    const logged: string[] = [];
    const logger = { info: (_fields: object, message?: string) => logged.push(message ?? '') };
    const wait = new FirstListWait({ boundMs: 11_000, timers: clock.timers, logger });
    expect(clock.pendingDelays()).toEqual([]); // nothing waits before a list does
    const listing = wait.ready();
    wait.ready();
    expect(clock.pendingDelays()).toEqual([11_000]);
    clock.advance(10_999);
    expect(wait.released).toBe(false);
    clock.advance(1);
    await expect(listing).resolves.toBeUndefined();
    expect(wait.ready()).toBeUndefined();
    expect(logged).toEqual([expect.stringContaining('bound reached')]);
  });

  it('releases once the manager start sync it joins settles, whether it succeeded or not', async () => {
    for (const ok of [true, false]) {
      const wait = new FirstListWait({ boundMs: 11_000, timers: new ManualTimers().timers });
      const upstream = manager();
      const listing = wait.ready();
      wait.releaseAfterFirstSync(upstream.source);
      expect(upstream.reasons).toEqual(['start']);
      await tick();
      expect(wait.released).toBe(false);
      upstream.settle(ok);
      await expect(listing).resolves.toBeUndefined();
      expect(wait.released).toBe(true);
    }
  });

  it('releases at once when a sync already ended or the manager serves an adopted (fleet) catalogue', () => {
    const synced = manager({ lastSync: { reason: 'start' } });
    const adopted = manager({ connectors: [{ catalogue: 'none' }, { catalogue: 'persisted' }] });
    for (const upstream of [synced, adopted]) {
      const wait = new FirstListWait({ boundMs: 11_000, timers: new ManualTimers().timers });
      wait.releaseAfterFirstSync(upstream.source);
      expect(wait.released).toBe(true);
      expect(upstream.reasons).toEqual([]); // no second sync started
    }
  });
});
