import { copyFile, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Bump } from './release-plan.js';
import { assertSucceeded, cleanChildEnvironment, runCommand } from './run-command.js';
import { listWorkspaceManifests } from './workspace-packages.js';

/**
 * Copy what `changeset version` reads (the root package.json, pnpm-workspace.yaml, .changeset/config.json and
 * every workspace package.json) into a temp folder, so it can bump and write changelogs there and never in the
 * repository. Pending changesets are not copied: each test writes its own. node_modules is a link to the
 * workspace's so the config's changelog module ("@changesets/cli/changelog") resolves as it does in the repo.
 */
export async function createChangesetSandbox(workspaceRoot: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cortex-pack-check-changesets-'));
  await mkdir(join(dir, '.changeset'));
  for (const file of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json']) {
    await copyFile(join(workspaceRoot, file), join(dir, file));
  }
  for (const relativePath of listWorkspaceManifests(workspaceRoot).keys()) {
    await mkdir(join(dir, dirname(relativePath)), { recursive: true });
    await copyFile(join(workspaceRoot, relativePath), join(dir, relativePath));
  }
  await symlink(join(workspaceRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Write `.changeset/<id>.md` in the format `pnpm changeset` writes. */
export async function writeChangeset(
  sandboxDir: string,
  id: string,
  releases: ReadonlyMap<string, Bump>,
  summary: string,
): Promise<void> {
  const lines = [...releases].map(([name, bump]) => `"${name}": ${bump}`);
  await writeFile(
    join(sandboxDir, '.changeset', `${id}.md`),
    `---\n${lines.join('\n')}\n---\n\n${summary}\n`,
  );
}

/** Copy the repository's pending changesets (every .changeset/*.md but the README) into the sandbox. */
export async function copyPendingChangesets(workspaceRoot: string, sandboxDir: string): Promise<string[]> {
  const names = (await readdir(join(workspaceRoot, '.changeset'))).filter(
    (name) => name.endsWith('.md') && name.toLowerCase() !== 'readme.md',
  );
  for (const name of names) {
    await copyFile(join(workspaceRoot, '.changeset', name), join(sandboxDir, '.changeset', name));
  }
  return names;
}

/** Run the workspace's own changesets CLI (`changeset version`) in the sandbox. */
export async function runChangesetVersion(workspaceRoot: string, sandboxDir: string): Promise<string> {
  const requireFromRoot = createRequire(join(workspaceRoot, 'package.json'));
  const cli = join(dirname(requireFromRoot.resolve('@changesets/cli/package.json')), 'bin.js');
  const result = assertSucceeded(
    await runCommand(process.execPath, [cli, 'version'], { cwd: sandboxDir, env: cleanChildEnvironment() }),
    `changeset version failed in ${sandboxDir}.`,
  );
  return `${result.stdout}${result.stderr}`;
}

/** name → version of every workspace package in the sandbox, after or before `changeset version`. */
export function sandboxVersions(sandboxDir: string): Map<string, string> {
  return new Map(
    [...listWorkspaceManifests(sandboxDir).values()].map((manifest) => [manifest.name, manifest.version]),
  );
}

/** A package's CHANGELOG.md in the sandbox, or '' when changesets wrote none. */
export async function sandboxChangelog(sandboxDir: string, relativeDir: string): Promise<string> {
  return readFile(join(sandboxDir, relativeDir, 'CHANGELOG.md'), 'utf8').catch(() => '');
}
