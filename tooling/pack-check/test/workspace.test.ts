import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packRun } from './support/provided.js';
import { listWorkspaceManifests, readManifest } from './support/workspace-packages.js';

const { workspaceRoot } = packRun();

describe('what pack-check checks', () => {
  it('lists every publishable package as a workspace devDependency, so turbo builds it before this suite packs it', () => {
    const own = readManifest(join(workspaceRoot, 'tooling/pack-check/package.json'));
    const publishable = [...listWorkspaceManifests(workspaceRoot)]
      .filter(([path, manifest]) => path.startsWith('packages/') && manifest.private !== true)
      .map(([, manifest]) => manifest.name);
    const missing = publishable.filter((name) => own.devDependencies?.[name] !== 'workspace:*');
    // Without the edge, turbo may run these checks while the package's tsup build is still rewriting dist/.
    expect(missing, 'add each as "<name>": "workspace:*" to tooling/pack-check devDependencies').toEqual([]);
  });
});
