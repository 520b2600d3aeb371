import { describe, expect, it } from 'vitest';
import { runBench } from '../bench.mjs';

describe('bench smoke run', () => {
  it('refreshes an unchanged map with a 304 and no churn, and reports both ways', async () => {
    const results = await runBench({ smoke: true, runs: 1, scenarios: ['5'], quiet: true });
    expect(results.failures).toEqual([]);
    expect(results.mode).toBe('smoke');
    const rows = results.rows.filter((row) => row.scenario === '5 map refresh');
    expect(rows).toHaveLength(3);
    const [bytes, , churn] = rows;
    // A 304 carries no body: far fewer bytes than the full map.
    expect(bytes?.ours?.median).toBeLessThan((bytes?.baseline?.median ?? 0) / 5);
    expect(churn?.met).toBe(true);
    expect(results.machine.cpuCount).toBeGreaterThan(0);
  });

  it('syncs every connector under both the fixed and the adaptive limit, judging no timing in smoke mode', async () => {
    const results = await runBench({ smoke: true, runs: 1, scenarios: ['2'], quiet: true });
    expect(results.failures).toEqual([]);
    expect(results.rows).toHaveLength(1);
    expect(results.rows[0]?.baseline?.median).toBeGreaterThan(0);
    expect(results.rows[0]?.ours?.median).toBeGreaterThan(0);
    expect(results.rows[0]?.met).toBeNull();
  });

  it('reads a resource, gets a prompt and makes a call that logs through the host with the upstream’s answers, judging no timing in smoke mode', async () => {
    const results = await runBench({ smoke: true, runs: 1, scenarios: ['11'], quiet: true });
    expect(results.failures).toEqual([]);
    expect(results.rows.map((row) => row.scenario)).toEqual([
      '11 resources/read',
      '11 resources/read',
      '11 prompts/get',
      '11 prompts/get',
      '11 tools/call + log',
      '11 tools/call + log',
    ]);
    for (const row of results.rows) {
      expect(row.baseline?.median).toBeGreaterThan(0);
      expect(row.ours?.median).toBeGreaterThan(0);
      expect(row.met).toBeNull();
    }
  });
});
