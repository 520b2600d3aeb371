// Runs every scenario against every target (the fixture directly, the host) with bounded parallelism, and
// gathers the runs into rows: { scenario, direct?, throughHost? }, in the suite's list order.

import { join } from 'node:path';
import { mapInOrder } from './pool.mjs';
import { runScenario } from './suite.mjs';

/**
 * `targets` is a list of { column: 'direct' | 'throughHost', url }. Each run writes to its own folder under
 * `outputDir`. `onRow(row)` is called once per scenario, in list order, when all its runs are done.
 */
export async function runScenarioRows({ scenarios, targets, concurrency, outputDir, timeoutMs, cwd, onRow }) {
  const jobs = scenarios.flatMap((scenario) => targets.map((target) => ({ scenario, target })));
  const rows = new Map(scenarios.map((scenario) => [scenario, { scenario }]));
  const lastTarget = targets.at(-1);
  await mapInOrder(
    jobs,
    ({ scenario, target }) =>
      runScenario(scenario, {
        url: target.url,
        outputDir: join(outputDir, target.column, scenario),
        timeoutMs,
        cwd,
      }),
    {
      concurrency,
      onResult: (result, index) => {
        const { scenario, target } = jobs[index];
        rows.get(scenario)[target.column] = result;
        if (target === lastTarget) onRow?.(rows.get(scenario));
      },
    },
  );
  return [...rows.values()];
}
