import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASQUERADING_FIXTURE, packFixture } from './support/fixture-tarball.js';
import { packRun } from './support/provided.js';
import { lintTarball } from './support/publint-check.js';

const { packed, skipped } = packRun();

describe('publint on every published package', () => {
  it('has packages to lint', () => {
    expect(packed.length).toBeGreaterThan(0);
  });

  it.each(packed)('finds no error or warning in $name', async (pkg) => {
    const findings = await lintTarball(pkg.tarball);
    for (const suggestion of findings.suggestions) console.info(`publint, ${pkg.name}: ${suggestion}`);
    expect(findings.problems, `publint on ${pkg.relativeDir}`).toEqual([]);
  });

  for (const pkg of skipped.filter((entry) => entry.reason !== 'private')) {
    it.skip(`${pkg.name}: ${pkg.reason}`, () => {});
  }
});

describe('the publint check itself', () => {
  let scratch = '';
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'cortex-pack-check-publint-'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('fails a package whose export points at a file that is not published', async () => {
    const findings = await lintTarball(await packFixture(MASQUERADING_FIXTURE, scratch));
    expect(findings.problems.some((problem) => problem.includes('FILE_DOES_NOT_EXIST'))).toBe(true);
  });
});
