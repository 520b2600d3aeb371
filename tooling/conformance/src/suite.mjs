// Runs scenarios of the official MCP conformance suite through npx with Node 22 (the suite needs it; the workspace
// stays on Node 20): lists the server scenarios, runs one scenario per suite process, reads each run's checks.json.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { captureTail, startChild } from './processes.mjs';

/** Exact versions: the Node 22 binary from the npm registry, and the suite. */
export const NODE_PACKAGE = 'node@22.23.3';
export const SUITE_PACKAGE = '@modelcontextprotocol/conformance@0.1.16';

/** The spec version whose server scenarios the runner runs: all of them, as the suite lists them at run time. */
export const SPEC_VERSION = '2025-11-25';

function npxArgs(suiteArgs) {
  return ['--yes', '-p', NODE_PACKAGE, '-p', SUITE_PACKAGE, 'conformance', ...suiteArgs];
}

/** npm prints EBADENGINE warnings because npx itself runs on Node 20; they are noise here, as are colours. */
function withoutNpmNoise(text) {
  return stripVTControlCharacters(text)
    .split('\n')
    .filter((line) => !line.startsWith('npm warn'))
    .join('\n')
    .trim();
}

/** The suite follows each failure with the scenario's whole description; the checks and errors are enough. */
function withoutScenarioDescription(text) {
  const lines = text.split('\n');
  const lastError = lines.findLastIndex((line) => line.trimStart().startsWith('Error:'));
  return lastError >= 0 ? lines.slice(0, lastError + 1).join('\n') : text;
}

/** Runs `npx … conformance <args>` and resolves with its exit code and output; bounded by `timeoutMs`. */
export async function runSuiteCommand(suiteArgs, { timeoutMs, env = process.env, cwd }) {
  const handle = startChild('npx', npxArgs(suiteArgs), { env, cwd, group: true });
  const stdout = captureTail(handle.child.stdout);
  const stderr = captureTail(handle.child.stderr);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    handle.stop();
  }, timeoutMs);
  const { code, signal, error } = await handle.exited;
  clearTimeout(timer);
  await handle.stop();
  return {
    code,
    signal,
    timedOut,
    spawnError: error,
    stdout: withoutNpmNoise(stdout.text()),
    stderr: withoutNpmNoise(stderr.text()),
  };
}

/**
 * Installs (first time) and starts the suite once, so the per-scenario timeouts do not include the download.
 * Returns the Node version npx runs the suite with (e.g. "v22.23.3").
 */
export async function prepareSuite({ timeoutMs, env, cwd }) {
  const version = await runSuiteCommand(['--version'], { timeoutMs, env, cwd });
  if (version.code !== 0) {
    const reason = version.timedOut ? `timed out after ${timeoutMs} ms` : `exit code ${version.code}`;
    throw new Error(
      `Could not start ${SUITE_PACKAGE} with ${NODE_PACKAGE} through npx (${reason}). Check that the npm registry ` +
        `is reachable and npx works.\n${version.stderr || version.stdout}`,
    );
  }
  const nodeCheck = startChild('npx', ['--yes', '-p', NODE_PACKAGE, 'node', '--version'], {
    env,
    cwd,
    group: true,
  });
  const nodeOut = captureTail(nodeCheck.child.stdout);
  const timer = setTimeout(() => nodeCheck.stop(), timeoutMs);
  await nodeCheck.exited;
  clearTimeout(timer);
  await nodeCheck.stop();
  return { suiteVersion: version.stdout.trim(), nodeVersion: nodeOut.text().trim() };
}

/**
 * The scenario names in the output of `conformance list --server`: one `  - name [versions]` line each, under the
 * "Server scenarios" heading. Throws when there is no such heading or no scenario under it: a format the runner
 * does not understand must stop the run, not shrink it.
 */
export function parseScenarioList(output) {
  const lines = output.split('\n');
  const heading = lines.findIndex((line) => /^Server scenarios/.test(line.trim()));
  if (heading < 0) throw new Error(`The suite's scenario list has no "Server scenarios" heading:\n${output}`);
  const names = [];
  for (const line of lines.slice(heading + 1)) {
    if (line.trim() === '') break;
    const match = /^\s*-\s+([a-z0-9][a-z0-9-]*)(\s+\[[^\]]*\])?\s*$/.exec(line);
    if (!match) throw new Error(`Cannot read this line of the suite's scenario list: "${line}"`);
    names.push(match[1]);
  }
  if (names.length === 0) throw new Error(`The suite listed no server scenarios:\n${output}`);
  return names;
}

/** Asks the suite for its server scenarios of `specVersion`, in its own order. Throws when it cannot. */
export async function listServerScenarios({ specVersion = SPEC_VERSION, timeoutMs, env, cwd }) {
  const run = await runSuiteCommand(['list', '--server', '--spec-version', specVersion], {
    timeoutMs,
    env,
    cwd,
  });
  if (run.code !== 0) {
    const reason = run.timedOut ? `timed out after ${timeoutMs} ms` : `exit code ${run.code}`;
    throw new Error(`Could not list the suite's server scenarios (${reason}).\n${run.stderr || run.stdout}`);
  }
  return parseScenarioList(run.stdout);
}

async function readChecks(outputDir, scenario) {
  const prefix = `server-${scenario}-`;
  const entries = (await readdir(outputDir).catch(() => [])).filter((name) => name.startsWith(prefix)).sort();
  const latest = entries.at(-1);
  if (!latest) return undefined;
  return JSON.parse(await readFile(join(outputDir, latest, 'checks.json'), 'utf8'));
}

/**
 * Judges one scenario run. It passes when the suite exited 0 and its checks.json holds at least one check and no
 * FAILURE (WARNING and INFO checks do not fail it, as they do not fail the suite). Returns the status and a
 * one-line note: the check count on a pass, what went wrong on a failure.
 */
export function judgeScenario(run, checks, timeoutMs) {
  const succeeded = checks.filter((check) => check.status === 'SUCCESS');
  const failed = checks.filter((check) => check.status === 'FAILURE');
  const warnings = checks.filter((check) => check.status === 'WARNING');
  const passed = run.code === 0 && checks.length > 0 && failed.length === 0;

  const notes = [];
  if (passed) notes.push(`${succeeded.length}/${succeeded.length + failed.length} checks`);
  if (run.timedOut) notes.push(`timed out after ${timeoutMs} ms`);
  if (run.spawnError) notes.push(`npx did not start: ${run.spawnError.message}`);
  if (checks.length === 0 && !run.timedOut) notes.push('the suite wrote no checks');
  for (const check of failed) notes.push(`${check.id}: ${check.errorMessage ?? 'failed'}`);
  for (const check of warnings) notes.push(`warning ${check.id}: ${check.errorMessage ?? ''}`.trim());
  if (!passed && run.code !== 0 && failed.length === 0 && checks.length > 0 && !run.timedOut) {
    notes.push(`suite exit code ${run.code}`);
  }
  return { status: passed ? 'pass' : 'fail', notes: notes.join('; ') };
}

/**
 * Runs one server scenario against `url` through npx and judges it (see judgeScenario). `outputDir` must be this
 * run's own folder: runs go in parallel, and the suite names its result folders by scenario and time only.
 */
export async function runScenario(scenario, { url, outputDir, timeoutMs, env, cwd }) {
  const startedAt = Date.now();
  const run = await runSuiteCommand(['server', '--url', url, '--scenario', scenario, '-o', outputDir], {
    timeoutMs,
    env,
    cwd,
  });
  const checks = (await readChecks(outputDir, scenario).catch(() => undefined)) ?? [];
  return {
    scenario,
    ...judgeScenario(run, checks, timeoutMs),
    durationMs: Date.now() - startedAt,
    exitCode: run.code,
    checks: checks.map(({ id, status, errorMessage, details }) => ({ id, status, errorMessage, details })),
    output: [withoutScenarioDescription(run.stdout), run.stderr].filter(Boolean).join('\n').slice(-4000),
  };
}
