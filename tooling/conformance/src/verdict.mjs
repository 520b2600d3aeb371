// What a run means: each scenario's cell in the table, and the problems that make the run fail. A row is
// { scenario, direct?, throughHost? }, each column a judged run ({ status: 'pass' | 'fail', notes }) or absent
// when that target was not run. `expected` is the Map of expected-failures.json (scenario -> reason).

/** The table's through-host cell: PASS, FAIL, expected-fail, or a pass that makes an expected failure stale. */
export function throughHostCell(row, expected) {
  if (!row.throughHost) return '-';
  const listed = expected.has(row.scenario);
  if (row.throughHost.status === 'pass') return listed ? 'PASS (stale expected-fail)' : 'PASS';
  return listed ? 'expected-fail' : 'FAIL';
}

export function directCell(row) {
  return row.direct ? row.direct.status.toUpperCase() : '-';
}

/**
 * The reasons to exit non-zero, in list order: a scenario that fails directly (the fixture must pass them all);
 * one that fails through the host without an entry in expected-failures.json; an entry whose scenario passes
 * through the host (stale). With `listedScenarios` (a full run through the host) also an entry that names a
 * scenario the suite no longer lists. Each problem is { scenario, kind, message }.
 */
export function findProblems(rows, expected, { listedScenarios } = {}) {
  const problems = [];
  for (const { scenario, direct, throughHost } of rows) {
    const reason = expected.get(scenario);
    if (direct?.status === 'fail') {
      problems.push({
        scenario,
        kind: 'fails-directly',
        message: `${scenario} fails directly against the fixture (${direct.notes}); the fixture must pass every scenario.`,
      });
    } else if (throughHost?.status === 'fail' && reason === undefined) {
      const passesDirectly = direct ? 'passes directly but ' : '';
      problems.push({
        scenario,
        kind: 'fails-through-host',
        message: `${scenario} ${passesDirectly}fails through the host (${throughHost.notes}) and is not in expected-failures.json.`,
      });
    }
    if (throughHost?.status === 'pass' && reason !== undefined) {
      problems.push({
        scenario,
        kind: 'stale-expected-failure',
        message: `${scenario} passes through the host but expected-failures.json expects it to fail ("${reason}"): remove the entry.`,
      });
    }
  }
  if (listedScenarios) {
    const listed = new Set(listedScenarios);
    for (const [scenario] of expected) {
      if (listed.has(scenario)) continue;
      problems.push({
        scenario,
        kind: 'unknown-expected-failure',
        message: `expected-failures.json names ${scenario}, which the suite does not list: remove the entry.`,
      });
    }
  }
  return problems;
}

/** Passed and failed runs in one column ('direct' or 'throughHost'); expected failures count as failed. */
export function countColumn(rows, column) {
  const ran = rows.filter((row) => row[column]);
  const passed = ran.filter((row) => row[column].status === 'pass').length;
  return { passed, failed: ran.length - passed };
}
