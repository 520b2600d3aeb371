#!/usr/bin/env node
// Runs every server scenario the official MCP conformance suite lists for spec 2025-11-25, against the fixture
// upstream directly and through the Cortex MCP Host, and compares the two columns. See README.md.
//
//   node run-conformance.mjs [--target both|fixture|host] [--scenario NAME]... [--concurrency N]
//                            [--expected-failures PATH] [--results PATH] [--host-cli PATH] [--verbose]
//
// Exits non-zero when a scenario fails directly, fails through the host without an entry in
// expected-failures.json, or passes through the host despite one (a stale entry).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EXPECTED_FAILURES_PATH, loadExpectedFailures } from './src/expected-failures.mjs';
import { FIXTURE_TOOL_NAMES } from './src/fixture-server.mjs';
import { formatTable, summaryLines, writeResults } from './src/report.mjs';
import { runScenarioRows } from './src/run-scenarios.mjs';
import {
  listServerScenarios,
  NODE_PACKAGE,
  prepareSuite,
  SPEC_VERSION,
  SUITE_PACKAGE,
} from './src/suite.mjs';
import { HOST_CLI_PATH, startFixture, startHost } from './src/targets.mjs';
import { countColumn, directCell, findProblems, throughHostCell } from './src/verdict.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** Bounds on every wait (ms). The first npx run may download Node 22 and the suite, hence the longer prepare. */
const LIMITS = {
  prepareMs: 300_000,
  listMs: 60_000,
  scenarioMs: 90_000,
  fixtureStartMs: 15_000,
  hostReadyMs: 30_000,
};
/** Suite runs at once. Each is mostly Node start-up; 2 keeps a 2-core CI machine busy without thrashing it. */
const DEFAULT_CONCURRENCY = 2;
const TARGETS = ['both', 'fixture', 'host'];

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: 'string', default: 'both' },
      scenario: { type: 'string', multiple: true },
      concurrency: { type: 'string', default: String(DEFAULT_CONCURRENCY) },
      'expected-failures': { type: 'string', default: EXPECTED_FAILURES_PATH },
      results: { type: 'string', default: join(here, 'results.json') },
      'host-cli': { type: 'string', default: HOST_CLI_PATH },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (!TARGETS.includes(values.target)) {
    throw new Error(`Unknown --target "${values.target}": use ${TARGETS.join(', ')} (default both).`);
  }
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`--concurrency must be a positive integer, got "${values.concurrency}".`);
  }
  return {
    direct: values.target !== 'host',
    throughHost: values.target !== 'fixture',
    target: values.target,
    onlyScenarios: values.scenario ?? [],
    concurrency,
    expectedFailuresPath: resolve(values['expected-failures']),
    resultsPath: resolve(values.results),
    hostCliPath: resolve(values['host-cli']),
    verbose: values.verbose,
    help: values.help,
  };
}

const USAGE = `Usage: node run-conformance.mjs [options]
  --target both        (default) every scenario against the fixture directly AND through the host
  --target fixture     only against the fixture upstream (no host needed)
  --target host        only through the host (apps/mcp-host/dist/cli.js serve)
  --scenario NAME      run only this scenario (repeatable); default: every server scenario the suite lists
                       for ${SPEC_VERSION}
  --concurrency N      suite runs at once (default ${DEFAULT_CONCURRENCY})
  --expected-failures PATH  scenarios allowed to fail through the host (default: expected-failures.json here)
  --results PATH       where to write the JSON results (default: results.json beside this script)
  --host-cli PATH      the host's CLI to start as \`node PATH serve\` (default: apps/mcp-host/dist/cli.js)
  --verbose            print the suite's output for every run, not only the failing ones`;

/** The scenarios to run: the suite's list, or the --scenario subset of it (in list order). */
function pickScenarios(listed, only) {
  if (only.length === 0) return listed;
  const unknown = only.filter((name) => !listed.includes(name));
  if (unknown.length > 0) {
    throw new Error(`The suite lists no server scenario ${unknown.join(', ')} for ${SPEC_VERSION}.`);
  }
  return listed.filter((name) => only.includes(name));
}

async function startTargets(options, stops) {
  const fixture = await startFixture({ startTimeoutMs: LIMITS.fixtureStartMs });
  stops.push(fixture.stop);
  process.stdout.write(`Fixture upstream: ${fixture.url}\n`);
  const targets = options.direct ? [{ column: 'direct', url: fixture.url }] : [];
  let host;
  if (options.throughHost) {
    host = await startHost({
      fixtureUrl: fixture.url,
      toolNames: FIXTURE_TOOL_NAMES,
      readyTimeoutMs: LIMITS.hostReadyMs,
      hostCliPath: options.hostCliPath,
    });
    stops.push(host.stop);
    targets.push({ column: 'throughHost', url: host.url });
    process.stdout.write(`Host: ${host.url}\n`);
    for (const warning of host.warnings) process.stdout.write(`warning: ${warning}\n`);
  }
  return { targets, host };
}

function progressLine(row, expected) {
  const cell = (label, run, text) =>
    run ? `${label} ${text} (${(run.durationMs / 1000).toFixed(1)} s)` : '';
  return [
    row.scenario.padEnd(32),
    cell('direct', row.direct, directCell(row)),
    cell('through host', row.throughHost, throughHostCell(row, expected)),
  ]
    .filter(Boolean)
    .join('  ');
}

/** The suite's output for the runs worth reading: every failure (all runs with --verbose), then expected ones. */
function printDetails(rows, expected, { verbose, host }) {
  const columns = [
    ['direct', 'directly'],
    ['throughHost', 'through the host'],
  ];
  let unexpectedHostFailure = false;
  for (const row of rows) {
    for (const [column, where] of columns) {
      const run = row[column];
      if (!run) continue;
      const isExpected = column === 'throughHost' && expected.has(row.scenario);
      const show = verbose || (run.status === 'fail' && !isExpected);
      if (run.status === 'fail' && column === 'throughHost' && !isExpected) unexpectedHostFailure = true;
      if (show && run.output) {
        process.stdout.write(`\n${run.status.toUpperCase()} ${row.scenario} ${where}: ${run.notes}\n`);
        process.stdout.write(`${indent(run.output)}\n`);
      }
    }
  }
  const expectedFails = rows.filter(
    (row) => row.throughHost?.status === 'fail' && expected.has(row.scenario),
  );
  if (expectedFails.length > 0) process.stdout.write('\nExpected failures through the host:\n');
  for (const row of expectedFails) {
    process.stdout.write(`  ${row.scenario}: ${expected.get(row.scenario)} [${row.throughHost.notes}]\n`);
  }
  if (host && unexpectedHostFailure) {
    process.stdout.write(`\nLast lines of the host's output:\n${indent(host.logTail(20))}\n`);
  }
}

function resultsDocument(rows, problems, expected, context) {
  const column = (run, scenario) => {
    if (!run) return undefined;
    const { output: _output, scenario: _scenario, ...kept } = run;
    return { ...kept, expectedFailure: expected.get(scenario) };
  };
  return {
    ...context,
    direct: rows.some((row) => row.direct) ? countColumn(rows, 'direct') : undefined,
    throughHost: rows.some((row) => row.throughHost) ? countColumn(rows, 'throughHost') : undefined,
    problems: problems.map((problem) => problem.message),
    scenarios: rows.map((row) => ({
      scenario: row.scenario,
      direct: column(row.direct),
      throughHost: row.throughHost && column(row.throughHost, row.scenario),
    })),
  };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const stops = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    stops.length = 0;
  };
  const onSignal = () => {
    stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const workDir = await mkdtemp(join(tmpdir(), 'cortex-conformance-run-'));
  stops.push(() => rm(workDir, { recursive: true, force: true }));
  const startedAt = new Date();
  try {
    const expected = await loadExpectedFailures(options.expectedFailuresPath);
    process.stdout.write(`Preparing ${SUITE_PACKAGE} with ${NODE_PACKAGE} (npx)…\n`);
    const suite = await prepareSuite({ timeoutMs: LIMITS.prepareMs, cwd: workDir });
    const listed = await listServerScenarios({ timeoutMs: LIMITS.listMs, cwd: workDir });
    const scenarios = pickScenarios(listed, options.onlyScenarios);
    const { targets, host } = await startTargets(options, stops);

    process.stdout.write(
      `Running ${scenarios.length} of the suite's ${listed.length} server scenarios for ${SPEC_VERSION}` +
        ` against ${targets.length === 2 ? 'the fixture directly and through the host' : targets[0].url}` +
        `, ${options.concurrency} at a time\n\n`,
    );
    const runsStartedAt = Date.now();
    const rows = await runScenarioRows({
      scenarios,
      targets,
      concurrency: options.concurrency,
      outputDir: join(workDir, 'suite-results'),
      timeoutMs: LIMITS.scenarioMs,
      cwd: workDir,
      onRow: (row) => process.stdout.write(`${progressLine(row, expected)}\n`),
    });
    const runsWallTimeMs = Date.now() - runsStartedAt;

    // Stale or unknown entries are judged only when the host column covers the whole list.
    const wholeListThroughHost = options.throughHost && options.onlyScenarios.length === 0;
    const problems = findProblems(rows, options.throughHost ? expected : new Map(), {
      listedScenarios: wholeListThroughHost ? listed : undefined,
    });
    process.stdout.write(`\n${formatTable(rows, expected)}\n`);
    printDetails(rows, expected, { verbose: options.verbose, host });
    if (problems.length > 0) process.stdout.write('\nProblems:\n');
    for (const problem of problems) process.stdout.write(`  - ${problem.message}\n`);

    await writeResults(
      options.resultsPath,
      resultsDocument(rows, problems, expected, {
        target: options.target,
        suite: SUITE_PACKAGE,
        suiteVersion: suite.suiteVersion,
        node: suite.nodeVersion,
        specVersion: SPEC_VERSION,
        urls: Object.fromEntries(targets.map((target) => [target.column, target.url])),
        concurrency: options.concurrency,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        runsWallTimeMs,
        warnings: host?.warnings ?? [],
      }),
    );
    process.stdout.write(
      `\nResults written to ${options.resultsPath}\n` +
        `${rows.length * targets.length} suite runs in ${(runsWallTimeMs / 1000).toFixed(1)} s, ` +
        `${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)} s in all\n` +
        `${summaryLines(rows, expected).join('\n')}\n`,
    );
    return problems.length === 0 ? 0 : 1;
  } finally {
    await stopAll();
  }
}

function indent(text) {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`conformance: ${error?.message ?? error}\n`);
    process.exit(1);
  },
);
