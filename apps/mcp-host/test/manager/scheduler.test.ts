import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManagerTimers } from '../../src/manager/index.js';
import { entry, mapOf, TestBed, toolNames } from './fixtures.js';
import { RecordingProxy } from './recording-proxy.js';

let bed: TestBed;
let proxy: RecordingProxy;
beforeEach(async () => {
  bed = await new TestBed().start();
  proxy = await new RecordingProxy().listen();
});
afterEach(async () => {
  await bed.close();
  await proxy.close();
});

/** The global timers, unref()ed like the manager's defaults, recording every delay armed. */
function recordingTimers(armed: number[]): ManagerTimers {
  return {
    setTimeout: (callback, delayMs) => {
      armed.push(delayMs);
      return setTimeout(callback, delayMs).unref();
    },
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

describe('the refresh scheduler', () => {
  it('fires a background sync on its own timer, which reloads a stale map (a conditional request)', async () => {
    const alpha = await bed.demo('alpha');
    // Already expired when served: every timer run finds it stale and asks the map server again.
    bed.publisher.publish({
      ...mapOf([entry('alpha', alpha.streamableUrl)]),
      generatedAt: new Date(Date.now() - 60_000).toISOString(),
      ttlSeconds: 1,
    });
    const armed: number[] = [];
    const { manager, registry, waitForLog } = bed.manager({
      serviceMapUrl: proxy.route('map', bed.mapUrl),
      stateDir: await bed.tempDir(),
      refreshSync: false,
      refreshIntervalMs: 200,
      jitterFactor: 0.2,
      random: () => 0.75,
      timers: recordingTimers(armed),
    });

    await manager.start();
    await proxy.waitFor(
      (events) => events.filter((e) => e.route === 'map').length >= 2,
      'a second map request',
    );
    const timerSync = await waitForLog(
      (line) => line.msg === 'connector sync finished' && line.reason === 'timer',
      'the timer sync to finish',
    );

    // 200 ms × (1 + 0.2 × (2 × 0.75 − 1)): the injected random drew the delay.
    expect(armed.map(Math.round)).toContain(220);
    const [first, second] = proxy.eventsOf('map');
    expect(first?.headers['if-none-match']).toBeUndefined();
    expect(second?.headers['if-none-match']).toMatch(/^"/);
    expect(timerSync).toMatchObject({ unchanged: 1, added: 0, failed: 0 });
    expect(manager.status().map).toMatchObject({ freshness: 'stale', lastError: null });
    expect(toolNames(registry)).toContain('alpha.echo');
    expect(alpha.observations.initializations).toBe(1);
  });
});
