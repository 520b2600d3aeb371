// The CI variant of the soak: a short, seeded history; it asserts what must hold after any history (consistency with
// the last good map, every listed connector up, no leaked handles), not timings or memory (too short to mean much).
import { describe, expect, it } from 'vitest';
import { leakedHandles, runSoak, seededRandom } from '../soak.mjs';

describe('soak (smoke)', () => {
  it('serves exactly the last good map after 60 cycles of outages, kills and map changes, leaking nothing', async () => {
    const report = await runSoak({ cycles: 60, seed: 7, budgetMs: 60_000 });
    expect(report.cycles).toBe(60);
    expect(
      report.events.mapOutages + report.events.mapChanges + report.events.connectorKills,
    ).toBeGreaterThan(0);
    expect(report.consistent).toBe(true);
    expect(report.unavailable).toEqual([]);
    expect(leakedHandles(report)).toEqual({});
  }, 120_000);

  it('replays the same history for the same seed', () => {
    const a = seededRandom(3);
    const b = seededRandom(3);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(new Set(first).size).toBe(5);
  });
});
