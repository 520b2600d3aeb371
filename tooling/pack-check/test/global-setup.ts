// Packs every publishable package once per run; publint, attw and the install test all read these tarballs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { packPackages } from './support/pack-packages.js';
import './support/provided.js';
import { discoverPublishablePackages, findWorkspaceRoot } from './support/workspace-packages.js';

/** Vitest global setup: pack into a fresh temp folder, provide the list, remove the folder afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const workspaceRoot = findWorkspaceRoot();
  const { publishable, skipped } = discoverPublishablePackages(workspaceRoot);
  for (const pkg of skipped.filter((entry) => entry.reason !== 'private')) {
    console.warn(`pack-check: not checking ${pkg.name} (${pkg.relativeDir}): ${pkg.reason}`);
  }
  const tarballDir = await mkdtemp(join(tmpdir(), 'cortex-pack-check-tarballs-'));
  try {
    const packed = await packPackages(workspaceRoot, publishable, tarballDir);
    project.provide('packRun', { workspaceRoot, packed, skipped });
  } catch (error) {
    await rm(tarballDir, { recursive: true, force: true });
    throw error;
  }
  return () => rm(tarballDir, { recursive: true, force: true });
}
