import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  copyPendingChangesets,
  createChangesetSandbox,
  runChangesetVersion,
  sandboxChangelog,
  sandboxVersions,
  writeChangeset,
} from './support/changeset-sandbox.js';
import {
  type Bump,
  bumpVersion,
  directDependents,
  expectedVersions,
  maxBump,
  parseChangesetReleases,
} from './support/release-plan.js';
import { findWorkspaceRoot, listWorkspaceManifests } from './support/workspace-packages.js';

const workspaceRoot = findWorkspaceRoot();
const manifestsByPath = listWorkspaceManifests(workspaceRoot);
const manifests = [...manifestsByPath.values()];
const versionsBefore = new Map(manifests.map((manifest) => [manifest.name, manifest.version]));
const dirOf = new Map([...manifestsByPath].map(([path, manifest]) => [manifest.name, dirname(path)]));
const publishable = manifests.filter((manifest) => manifest.private !== true);
const byDependentCount = [...publishable].sort(
  (a, b) => directDependents(manifests, b.name).length - directDependents(manifests, a.name).length,
);
const withDependents = byDependentCount.find(
  (manifest) => directDependents(manifests, manifest.name).length > 0,
);
const leaf = byDependentCount
  .reverse()
  .find((manifest) => directDependents(manifests, manifest.name).length === 0);
const pendingChangesets = readdirSync(join(workspaceRoot, '.changeset')).filter(
  (name) => name.endsWith('.md') && name.toLowerCase() !== 'readme.md',
);

const sandboxes: string[] = [];
async function sandbox(): Promise<string> {
  const dir = await createChangesetSandbox(workspaceRoot);
  sandboxes.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('changeset version, run on a copy of the workspace manifests', () => {
  it('runs under the release config the expectations assume', () => {
    const config = JSON.parse(readFileSync(join(workspaceRoot, '.changeset/config.json'), 'utf8'));
    // Independent versions, internal dependents patched, private packages (apps, tooling) never versioned.
    expect(config.fixed).toEqual([]);
    expect(config.linked).toEqual([]);
    expect(config.updateInternalDependencies).toBe('patch');
    expect(config.privatePackages).toEqual({ version: false, tag: false });
    expect(publishable.length).toBeGreaterThan(0);
  });

  it.skipIf(leaf === undefined)(
    'bumps only the package a patch changeset names when nothing depends on it',
    async () => {
      const target = leaf?.name ?? '';
      const dir = await sandbox();
      const releases = new Map<string, Bump>([[target, 'patch']]);
      await writeChangeset(dir, 'sample-patch', releases, 'Sample patch for the pack-check test.');
      await runChangesetVersion(workspaceRoot, dir);
      const after = sandboxVersions(dir);
      expect(after).toEqual(expectedVersions(manifests, releases));
      const changed = [...after]
        .filter(([name, version]) => version !== versionsBefore.get(name))
        .map(([name]) => name);
      expect(changed).toEqual([target]);
      const changelog = await sandboxChangelog(dir, dirOf.get(target) ?? '');
      expect(changelog).toContain('### Patch Changes');
      expect(changelog).toContain('Sample patch for the pack-check test.');
    },
  );

  it.skipIf(withDependents === undefined)(
    'bumps the package a minor changeset names and patches every package that depends on it',
    async () => {
      const target = withDependents?.name ?? '';
      const dir = await sandbox();
      const releases = new Map<string, Bump>([[target, 'minor']]);
      await writeChangeset(dir, 'sample-minor', releases, 'Sample minor for the pack-check test.');
      await runChangesetVersion(workspaceRoot, dir);
      const after = sandboxVersions(dir);
      expect(after).toEqual(expectedVersions(manifests, releases));
      const newVersion = bumpVersion(withDependents?.version ?? '', 'minor');
      expect(after.get(target)).toBe(newVersion);
      for (const dependent of directDependents(manifests, target)) {
        expect(after.get(dependent.name)).toBe(bumpVersion(dependent.version, 'patch'));
        const changelog = await sandboxChangelog(dir, dirOf.get(dependent.name) ?? '');
        expect(changelog).toContain(`${target}@${newVersion}`);
      }
      for (const manifest of manifests.filter((candidate) => candidate.private === true)) {
        expect(after.get(manifest.name), `${manifest.name} is private`).toBe(manifest.version);
      }
    },
  );

  it.skipIf(pendingChangesets.length === 0)(
    "applies the repository's pending changesets: exactly the packages they name, and their dependents",
    async () => {
      const dir = await sandbox();
      const copied = await copyPendingChangesets(workspaceRoot, dir);
      const releases = new Map<string, Bump>();
      for (const name of copied) {
        const text = readFileSync(join(workspaceRoot, '.changeset', name), 'utf8');
        for (const [pkg, bump] of parseChangesetReleases(text, name)) {
          expect(dirOf.has(pkg), `${name} names ${pkg}, which is not a workspace package`).toBe(true);
          releases.set(pkg, maxBump(releases.get(pkg), bump));
        }
      }
      await runChangesetVersion(workspaceRoot, dir);
      expect(sandboxVersions(dir)).toEqual(expectedVersions(manifests, releases));
    },
  );
});
