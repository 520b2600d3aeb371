import { existsSync } from 'node:fs';
import { lstat, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callableExports,
  type ExportCheckTarget,
  type ExportShape,
  exportCheckScript,
} from './support/export-check-script.js';
import { MAIN_EXPORTS } from './support/main-exports.js';
import { packRun } from './support/provided.js';
import { runCommand } from './support/run-command.js';
import {
  type ConsumerModule,
  createScratchProject,
  installedManifest,
  runtimeExportsConsumer,
  workspaceTypeScriptCompiler,
  writeTypeScriptConsumers,
} from './support/scratch-project.js';
import { readManifest } from './support/workspace-packages.js';

const { packed, workspaceRoot } = packRun();
const versions = new Map(packed.map((pkg) => [pkg.name, pkg.version]));
const stemOf = (name: string) => name.split('/').pop() ?? name;

let projectDir = '';
let workspaceShapes: Record<string, ExportShape> = {};

async function runExportCheck(file: string, targets: readonly ExportCheckTarget[]) {
  await writeFile(join(projectDir, file), exportCheckScript(file.endsWith('.cjs') ? 'cjs' : 'esm', targets));
  const result = await runCommand(process.execPath, [file], { cwd: projectDir });
  expect(result.stderr, `node ${file} in ${projectDir}`).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Record<string, ExportShape>;
}

// A package MAIN_EXPORTS does not list yet is held to every function and class its workspace build exports.
const installedTargets = (): ExportCheckTarget[] =>
  packed.map((pkg) => ({
    name: pkg.name,
    specifier: pkg.name,
    mainExports: MAIN_EXPORTS[pkg.name] ?? callableExports(workspaceShapes[pkg.name] ?? {}),
  }));

beforeAll(async () => {
  const rootManifest = readManifest(join(workspaceRoot, 'package.json'));
  projectDir = await createScratchProject(packed, rootManifest.devDependencies?.['@types/node'] ?? 'latest');
  // The baseline: what the workspace build exports, loaded by file URL so nothing is installed or packed.
  workspaceShapes = await runExportCheck(
    'workspace-build.mjs',
    packed.map((pkg) => ({
      name: pkg.name,
      specifier: pathToFileURL(join(pkg.dir, 'dist/index.js')).href,
      mainExports: MAIN_EXPORTS[pkg.name] ?? {},
    })),
  );
}, 300_000);

afterAll(async () => {
  if (projectDir !== '') await rm(projectDir, { recursive: true, force: true });
});

describe('the packed tarballs, installed with npm into a project outside the workspace', () => {
  it('installs real copies outside the workspace, with every workspace: range rewritten to a version', async () => {
    expect(projectDir.startsWith(workspaceRoot)).toBe(false);
    for (const pkg of packed) {
      expect((await lstat(join(projectDir, 'node_modules', pkg.name))).isSymbolicLink()).toBe(false);
      const manifest = await installedManifest(projectDir, pkg.name);
      expect(manifest.version).toBe(pkg.version);
      const ranges = {
        ...manifest.dependencies,
        ...manifest.optionalDependencies,
        ...manifest.peerDependencies,
      };
      for (const [dependency, range] of Object.entries(ranges)) {
        expect(range, `${pkg.name} → ${dependency}`).not.toMatch(/^workspace:/);
        const version = versions.get(dependency);
        // workspace:* becomes the exact version, workspace:^ and workspace:~ a caret or tilde range on it.
        if (version !== undefined) expect([version, `^${version}`, `~${version}`]).toContain(range);
      }
    }
  });

  it('imports every package from ESM, each with its main exports and exactly what the workspace build exports', async () => {
    const shapes = await runExportCheck('check-esm.mjs', installedTargets());
    expect(shapes).toEqual(workspaceShapes);
    for (const pkg of packed) {
      expect(Object.keys(callableExports(shapes[pkg.name] ?? {})).length, pkg.name).toBeGreaterThan(0);
    }
  });

  it('requires every package from CommonJS, each with the same exports as from ESM', async () => {
    const shapes = await runExportCheck('check-cjs.cjs', installedTargets());
    expect(shapes).toEqual(workspaceShapes);
  });

  describe('a TypeScript consumer of every package, checked against the published types', () => {
    let tsconfigs: Awaited<ReturnType<typeof writeTypeScriptConsumers>> = [];

    beforeAll(async () => {
      const modules: ConsumerModule[] = [];
      for (const pkg of packed) {
        const stem = stemOf(pkg.name);
        const exportNames = Object.keys(workspaceShapes[pkg.name] ?? {});
        modules.push(runtimeExportsConsumer(`${stem}.exports`, pkg.name, exportNames));
        const handWritten = join(import.meta.dirname, 'consumers', `${stem}.ts`);
        if (existsSync(handWritten)) {
          modules.push({ stem, source: await readFile(handWritten, 'utf8') });
        } else {
          console.warn(
            `pack-check: no test/consumers/${stem}.ts; only ${pkg.name}'s export list is type-checked.`,
          );
        }
      }
      tsconfigs = await writeTypeScriptConsumers(projectDir, modules);
    });

    it.each(['node16', 'bundler'] as const)(
      'compiles with moduleResolution %s',
      async (resolution) => {
        const config = tsconfigs.find((candidate) => candidate.resolution === resolution);
        expect(config).toBeDefined();
        const tsc = workspaceTypeScriptCompiler(workspaceRoot);
        const result = await runCommand(
          process.execPath,
          [tsc, '--noEmit', '-p', config?.tsconfigPath ?? ''],
          {
            cwd: projectDir,
          },
        );
        expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
        expect(result.code).toBe(0);
        // tsc over every package's published types: seconds when idle, over 30 s on a busy 2-core machine.
      },
      180_000,
    );
  });
});
