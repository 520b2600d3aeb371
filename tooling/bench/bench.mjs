#!/usr/bin/env node
// pnpm bench [--smoke] [--scenario <n>]... [--runs <n>] [--json <path>]
// Runs every scenario in one run, prints the table (scenario, baseline, ours, ratio, target, met?) and writes the
// figures as JSON. --smoke: tiny sizes, correctness only; exits non-zero only on a correctness failure.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CorrectnessError, createContext } from './lib/context.mjs';
import { stopAllChildren } from './lib/processes.mjs';
import { renderTable, TABLE_HEADERS, tableCells } from './lib/table.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Scenario id → module, in the order they run. */
export const SCENARIOS = /** @type {const} */ ([
  ['1', './scenarios/cold-start-sync.mjs'],
  ['2', './scenarios/adaptive-concurrency.mjs'],
  ['3', './scenarios/scaling.mjs'],
  ['4', './scenarios/tls-handshakes.mjs'],
  ['5', './scenarios/map-refresh.mjs'],
  ['6', './scenarios/tool-call.mjs'],
  ['7', './scenarios/registry-store.mjs'],
  ['8', './scenarios/peers.mjs'],
  ['9', './scenarios/startup.mjs'],
  ['10', './scenarios/fleet.mjs'],
  ['11', './scenarios/catalogue-requests.mjs'],
  ['12', './scenarios/door.mjs'],
]);

/** Longest one scenario may run before it is abandoned (smoke, full). */
const SCENARIO_BUDGET_MS = { smoke: 60_000, full: 240_000 };

/** Machine facts stored with the figures. */
export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/**
 * Runs the chosen scenarios and returns the results document.
 * @param {{ smoke: boolean, runs: number, scenarios: readonly string[], quiet?: boolean }} options
 */
export async function runBench(options) {
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'cortex-bench-'));
  const ctx = createContext({ smoke: options.smoke, runs: options.runs, tmpDir, quiet: options.quiet });
  /** @type {import('./lib/table.mjs').ResultRow[]} */
  const rows = [];
  /** @type {{ scenario: string, kind: 'correctness' | 'error', message: string }[]} */
  const failures = [];
  const budgetMs = options.smoke ? SCENARIO_BUDGET_MS.smoke : SCENARIO_BUDGET_MS.full;
  try {
    for (const [id, modulePath] of SCENARIOS) {
      if (!options.scenarios.includes(id)) continue;
      const scenario = (await import(modulePath)).default;
      if (!options.quiet) process.stderr.write(`scenario ${id}: ${scenario.title}\n`);
      const startedAt = performance.now();
      try {
        rows.push(...(await withinBudget(scenario.run(ctx), budgetMs, `scenario ${id}`)));
      } catch (error) {
        const kind = error instanceof CorrectnessError ? 'correctness' : 'error';
        const message = error instanceof Error ? error.message : String(error);
        failures.push({ scenario: id, kind, message });
        if (!options.quiet) process.stderr.write(`  FAILED (${kind}): ${message}\n`);
        rows.push({
          scenario: `${id} ${scenario.title}`,
          metric: 'scenario failed',
          baseline: null,
          ours: null,
          ratio: null,
          target: '',
          met: null,
          note: `not measured: ${message}`,
        });
      }
      if (!options.quiet)
        process.stderr.write(`  (${((performance.now() - startedAt) / 1000).toFixed(1)} s)\n`);
    }
  } finally {
    await stopAllChildren();
    rmSync(tmpDir, { recursive: true, force: true });
  }
  return {
    machine: machineInfo(),
    mode: options.smoke ? 'smoke' : 'full',
    runs: options.runs,
    rows,
    failures,
  };
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} budgetMs
 * @param {string} what
 * @returns {Promise<T>}
 */
function withinBudget(promise, budgetMs, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} exceeded its ${budgetMs / 1000} s budget`)), budgetMs);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout])).finally(() => clearTimeout(timer));
}

async function main() {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      scenario: { type: 'string', multiple: true },
      runs: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const smoke = values.smoke ?? false;
  const runs = values.runs === undefined ? (smoke ? 1 : 3) : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50)
    throw new Error('--runs takes an integer from 1 to 50');
  const known = SCENARIOS.map(([id]) => id);
  const scenarios = values.scenario?.length ? values.scenario : known;
  const unknown = scenarios.filter((id) => !known.includes(id));
  if (unknown.length > 0)
    throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${known.join(', ')}`);

  const results = await runBench({ smoke, runs, scenarios });
  process.stdout.write(`\n${renderTable(TABLE_HEADERS, tableCells(results.rows))}\n`);
  const m = results.machine;
  process.stdout.write(
    `\n${m.cpuCount} × ${m.cpuModel}, ${(m.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${m.node}, ${results.mode}, ${runs} run(s)\n`,
  );
  // Full mode keeps the figures in the tree; smoke mode writes only where it is told (never into the tree).
  const jsonPath = values.json ?? (smoke ? undefined : path.join(here, 'results', 'latest.json'));
  if (jsonPath) {
    mkdirSync(path.dirname(path.resolve(jsonPath)), { recursive: true });
    writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`figures written to ${path.relative(process.cwd(), path.resolve(jsonPath))}\n`);
  }
  const correctness = results.failures.filter((failure) => failure.kind === 'correctness');
  const errors = results.failures.filter((failure) => failure.kind === 'error');
  for (const failure of results.failures) {
    process.stderr.write(`scenario ${failure.scenario} ${failure.kind} failure: ${failure.message}\n`);
  }
  // A harness error in smoke mode is a rotten harness: also a failure. In full mode it is reported in the table.
  process.exitCode = correctness.length > 0 || (smoke && errors.length > 0) ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => {
      // Child processes and sockets are closed by each scenario; do not wait on stray handles.
      setTimeout(() => process.exit(), 200).unref();
    },
    (error) => {
      process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
