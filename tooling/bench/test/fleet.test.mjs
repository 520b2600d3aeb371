import { describe, expect, it } from 'vitest';
import { runBench } from '../bench.mjs';

describe('bench smoke run of the fleet scenario', () => {
  it('runs 1 and 2 real hosts alone and on one Redis; a host joining the Redis fleet lists every tool at once', async () => {
    // The scenario itself checks that every host serves the same tools and that 2 hosts on Redis fetch the map at
    // most once per interval (plus one); either failing shows up in `failures`.
    const results = await runBench({ smoke: true, runs: 1, scenarios: ['10'], quiet: true });
    expect(results.failures).toEqual([]);
    const rows = results.rows.filter((row) => row.scenario === '10 fleet');
    // Four rows per host count (1, 2), and one for hosts that had to be killed on stop.
    expect(rows).toHaveLength(9);
    const fetchRows = rows.filter((row) => row.metric.includes('map fetches per'));
    expect(fetchRows.map((row) => row.metric.slice(0, 7))).toEqual(['1 host:', '2 hosts']);
    for (const row of fetchRows) expect(row.baseline?.runs).toBeGreaterThan(0);
    // With Redis the 2nd host lists the catalogue the 1st one shared as soon as it listens, while it connects.
    const joinListing = rows.find((row) => row.metric.startsWith('cold start, the 2nd host joins: spawn'));
    expect(joinListing?.metric).toMatch(/at its first listing: \d+ vs 100\)/);
    expect(joinListing?.met).toBe(true);
  }, 90_000);
});
