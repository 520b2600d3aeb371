#!/usr/bin/env node
// Prints one line per workspace package and a closing "N passed, N failed" line, read from the JSON reports that
// the shared vitest config writes to <package>/test-results/vitest.json (turbo restores them for cached runs).
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const totals = { passed: 0, failed: 0, skipped: 0 };
const missing = [];

/** Workspace packages that have tests, as [label, folder]. */
function testedPackages() {
  const found = [];
  for (const group of ['packages', 'apps', 'tooling']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const name of readdirSync(groupDir).sort()) {
      const packageDir = join(groupDir, name);
      if (existsSync(join(packageDir, 'vitest.config.ts'))) found.push([`${group}/${name}`, packageDir]);
    }
  }
  return found;
}

// `--clean` runs before the tests: old reports must not be mistaken for this run's results.
if (process.argv.includes('--clean')) {
  for (const [, packageDir] of testedPackages())
    rmSync(join(packageDir, 'test-results'), { recursive: true, force: true });
  process.exit(0);
}

for (const [label, packageDir] of testedPackages()) {
  const reportPath = join(packageDir, 'test-results', 'vitest.json');
  if (!existsSync(reportPath)) {
    missing.push(label);
    continue;
  }
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  const passed = report.numPassedTests ?? 0;
  const failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  console.log(`  ${label.padEnd(34)} ${passed} passed, ${failed} failed, ${skipped} skipped`);
}
for (const name of missing) console.log(`  ${name.padEnd(34)} no test report (did its tests run?)`);
if (missing.length > 0) totals.failed += missing.length;
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exitCode = totals.failed > 0 ? 1 : 0;
