// The status page's data in `/status`: each connector's call statistics and the short history of syncs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entry, mapOf, TestBed } from './fixtures.js';

let bed: TestBed;
beforeEach(async () => {
  bed = await new TestBed().start();
});
afterEach(() => bed.close());

describe('status members for the status page', () => {
  it('adds calls (count, errors, p50/p95, history) to a connector once it has taken calls', async () => {
    const alpha = await bed.demo('alpha');
    const beta = await bed.demo('beta');
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl), entry('beta', beta.streamableUrl)]));
    // An epoch clock the test owns: each read moves it 2 ms, so every call takes a known, non-zero time. It starts
    // at the start of a 10 s history bucket, so the calls cannot straddle two buckets whatever the time of day.
    let now = Math.floor(Date.now() / 10_000) * 10_000;
    const { manager, registry } = bed.manager({ stateDir: await bed.tempDir(), clock: () => (now += 2) });
    await manager.start();
    const before = manager.status().connectors;
    expect(before.map((connector) => [connector.id, 'calls' in connector])).toEqual([
      ['alpha', false],
      ['beta', false],
    ]);

    const echo = registry.getTool('alpha.echo');
    await echo?.handler({ text: 'one' }, {});
    await echo?.handler({ text: 'two' }, {});
    // Arguments the upstream's schema refuses: the call fails.
    const refused = await registry.getTool('alpha.add')?.handler({ a: 'not a number' }, {});
    expect(refused).toMatchObject({ isError: true });

    const [alphaStatus, betaStatus] = manager.status().connectors;
    expect(alphaStatus?.calls).toMatchObject({ count: 3, errors: 1 });
    const calls = alphaStatus?.calls;
    expect(calls?.p50Ms).toBeGreaterThan(0);
    expect(calls?.p95Ms).toBeGreaterThanOrEqual(calls?.p50Ms ?? Number.POSITIVE_INFINITY);
    expect(calls?.history).toHaveLength(1);
    expect(calls?.history[0]).toMatchObject({ count: 3, errors: 1 });
    expect((calls?.history[0]?.atMs ?? -1) % 10_000).toBe(0);
    expect(betaStatus && 'calls' in betaStatus).toBe(false);
    // The document stays JSON: what /status sends is what the page reads.
    expect(JSON.parse(JSON.stringify(alphaStatus))).toEqual(alphaStatus);
  });

  it('keeps the last ten sync summaries, oldest first, the newest being lastSync', async () => {
    const alpha = await bed.demo('alpha');
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
    const { manager } = bed.manager({ stateDir: await bed.tempDir() });
    expect(manager.status().recentSyncs).toBeUndefined();
    await manager.start();
    expect(manager.status().recentSyncs?.map((sync) => sync.reason)).toEqual(['start']);
    for (let run = 1; run <= 11; run += 1) await manager.refresh(`forced-${run}`);

    const status = manager.status();
    expect(status.recentSyncs?.map((sync) => sync.reason)).toEqual([
      'forced-2',
      'forced-3',
      'forced-4',
      'forced-5',
      'forced-6',
      'forced-7',
      'forced-8',
      'forced-9',
      'forced-10',
      'forced-11',
    ]);
    expect(status.recentSyncs?.at(-1)).toEqual(status.lastSync);
  });
});
