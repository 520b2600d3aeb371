import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTW_RESOLUTIONS, checkTarballTypes } from './support/attw-check.js';
import { MASQUERADING_FIXTURE, packFixture } from './support/fixture-tarball.js';
import { packRun } from './support/provided.js';

const { packed, skipped, workspaceRoot } = packRun();

describe('arethetypeswrong on every published package', () => {
  it.each(packed)('finds no problem in $name under node10, node16 CJS/ESM and bundler', async (pkg) => {
    const findings = await checkTarballTypes(pkg.tarball, workspaceRoot);
    expect(findings.typesKind).toBe('included');
    expect(findings.rootResolutions).toEqual([...ATTW_RESOLUTIONS]);
    expect(findings.problems, `attw ${pkg.relativeDir}`).toEqual([]);
    expect(findings.exitCode).toBe(0);
  });

  for (const pkg of skipped.filter((entry) => entry.reason !== 'private')) {
    it.skip(`${pkg.name}: ${pkg.reason}`, () => {});
  }
});

describe('the attw check itself', () => {
  let scratch = '';
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'cortex-pack-check-attw-'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it('fails a package whose require entry is typed with ESM declarations (masquerading as ESM)', async () => {
    const findings = await checkTarballTypes(await packFixture(MASQUERADING_FIXTURE, scratch), workspaceRoot);
    expect(findings.problems).toContain('FalseESM (/node_modules/masquerading-fixture/index.d.ts, any)');
    expect(findings.problems).toContain('NoResolution (./extra, node16-esm)');
    expect(findings.exitCode).not.toBe(0);
  });
});
