#!/usr/bin/env node
// Runs the official MCP conformance suite's server scenarios against the Cortex MCP Host (default) or straight
// against the fixture upstream (--target fixture). See README.md.
//
//   node run-conformance.mjs [--target host|fixture] [--scenario NAME]... [--results PATH] [--host-cli PATH] [--verbose]
//
// Exits 0 only when every scenario it ran passed.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FIXTURE_TOOL_NAMES } from './src/fixture-server.mjs';
import { formatTable, summaryLine, writeResults } from './src/report.mjs';
import { EXPECTED_SCENARIOS, NODE_PACKAGE, prepareSuite, runScenario, SUITE_PACKAGE } from './src/suite.mjs';
import { HOST_CLI_PATH, startFixture, startHost } from './src/targets.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** Bounds on every wait (ms). The first npx run may download Node 22 and the suite, hence the longer prepare. */
const LIMITS = {
  prepareMs: 300_000,
  scenarioMs: 90_000,
  fixtureStartMs: 15_000,
  hostReadyMs: 30_000,
};

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: 'string', default: 'host' },
      scenario: { type: 'string', multiple: true },
      results: { type: 'string', default: join(here, 'results.json') },
      'host-cli': { type: 'string', default: HOST_CLI_PATH },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (!['host', 'fixture'].includes(values.target)) {
    throw new Error(`Unknown --target "${values.target}": use "host" (default) or "fixture".`);
  }
  return {
    target: values.target,
    scenarios: values.scenario?.length ? values.scenario : EXPECTED_SCENARIOS,
    resultsPath: resolve(values.results),
    hostCliPath: resolve(values['host-cli']),
    verbose: values.verbose,
    help: values.help,
  };
}

const USAGE = `Usage: node run-conformance.mjs [--target host|fixture] [--scenario NAME]... [--results PATH] [--host-cli PATH] [--verbose]
  --target host     (default) start the fixture upstream and the host (apps/mcp-host/dist/cli.js serve), test the host
  --target fixture  start only the fixture upstream and test it directly
  --scenario NAME   run only this scenario (repeatable); default: ${EXPECTED_SCENARIOS.join(', ')}
  --results PATH    where to write the JSON results (default: results.json beside this script)
  --host-cli PATH   the host's CLI to start as \`node PATH serve\` (default: apps/mcp-host/dist/cli.js)
  --verbose         print the suite's output for every scenario, not only failing ones`;

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
    process.stdout.write(`Preparing ${SUITE_PACKAGE} with ${NODE_PACKAGE} (npx)…\n`);
    const suite = await prepareSuite({ timeoutMs: LIMITS.prepareMs, cwd: workDir });

    const fixture = await startFixture({ startTimeoutMs: LIMITS.fixtureStartMs });
    stops.push(fixture.stop);
    process.stdout.write(`Fixture upstream: ${fixture.url}\n`);

    let url = fixture.url;
    let host;
    if (options.target === 'host') {
      host = await startHost({
        fixtureUrl: fixture.url,
        toolNames: FIXTURE_TOOL_NAMES,
        readyTimeoutMs: LIMITS.hostReadyMs,
        hostCliPath: options.hostCliPath,
      });
      stops.push(host.stop);
      url = host.url;
      process.stdout.write(`Host: ${host.url}\n`);
      for (const warning of host.warnings) process.stdout.write(`warning: ${warning}\n`);
    }

    process.stdout.write(`Running ${options.scenarios.length} scenarios against ${url}\n\n`);
    const outputDir = join(workDir, 'suite-results');
    const results = [];
    for (const scenario of options.scenarios) {
      const result = await runScenario(scenario, {
        url,
        outputDir,
        timeoutMs: LIMITS.scenarioMs,
        cwd: workDir,
      });
      results.push(result);
      process.stdout.write(
        `${result.status === 'pass' ? 'PASS' : 'FAIL'} ${scenario} (${result.durationMs} ms)\n`,
      );
      if (result.output && (options.verbose || result.status === 'fail')) {
        process.stdout.write(`${indent(result.output)}\n`);
      }
    }

    const failed = results.filter((r) => r.status === 'fail');
    if (host && failed.length > 0) {
      process.stdout.write(`\nLast lines of the host's output:\n${indent(host.logTail(20))}\n`);
    }
    process.stdout.write(`\n${formatTable(results)}\n\n`);
    await writeResults(options.resultsPath, {
      target: options.target,
      suite: SUITE_PACKAGE,
      suiteVersion: suite.suiteVersion,
      node: suite.nodeVersion,
      url,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      warnings: host?.warnings ?? [],
      passed: results.length - failed.length,
      failed: failed.length,
      scenarios: results.map(({ output: _output, ...result }) => result),
    });
    process.stdout.write(`Results written to ${options.resultsPath}\n${summaryLine(results)}\n`);
    return failed.length === 0 ? 0 : 1;
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
