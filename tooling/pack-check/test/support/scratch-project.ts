import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PackedPackage } from './pack-packages.js';
import { assertSucceeded, cleanChildEnvironment, runCommand } from './run-command.js';
import type { PackageManifest } from './workspace-packages.js';

/** The npm flags of the install: use the local npm cache when it has a package, never audit or ask for funding. */
export const NPM_INSTALL_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'] as const;

/**
 * Create a project in the OS temp folder (outside the workspace, so nothing resolves through pnpm's workspace
 * links) whose dependencies are the tarballs, and `npm install` it. Third-party dependencies of the tarballs come
 * from the registry, as they would for a user. `@types/node` is added at the workspace's version because the
 * published types use Node's (AbortSignal, streams via undici).
 */
export async function createScratchProject(
  packed: readonly PackedPackage[],
  typesNodeVersion: string,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cortex-pack-check-consumer-'));
  const manifest = {
    name: 'cortex-pack-check-consumer',
    version: '0.0.0',
    private: true,
    description: 'Scratch project made by @cortex-mcp/pack-check; safe to delete.',
    dependencies: Object.fromEntries(packed.map((pkg) => [pkg.name, `file:${pkg.tarball}`])),
    devDependencies: { '@types/node': typesNodeVersion },
  };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  assertSucceeded(
    await runCommand('npm', ['install', ...NPM_INSTALL_FLAGS], {
      cwd: dir,
      env: cleanChildEnvironment(),
      timeoutMs: 300_000,
    }),
    `npm install of the packed tarballs failed in ${dir}; a dependency range no registry version satisfies is the usual cause.`,
  );
  return dir;
}

/** The package.json npm installed for `name` in the scratch project. */
export async function installedManifest(projectDir: string, name: string): Promise<PackageManifest> {
  return JSON.parse(await readFile(join(projectDir, 'node_modules', name, 'package.json'), 'utf8'));
}

/** One TypeScript consumer module: written as .mts and .cts (node16) and .ts (bundler). */
export interface ConsumerModule {
  /** File name without extension. */
  readonly stem: string;
  readonly source: string;
}

/** A TypeScript project in the scratch folder, and the tsc arguments that check it. */
export interface ConsumerTsconfig {
  readonly resolution: 'node16' | 'bundler';
  readonly tsconfigPath: string;
}

const SHARED_COMPILER_OPTIONS = {
  target: 'es2022',
  lib: ['es2023'],
  types: ['node'],
  strict: true,
  noEmit: true,
  // Checking every .d.ts (the MCP SDK's and zod's included) costs ~5x the time, and the SDK's need the DOM lib.
  // Instead each hand-written consumer has @ts-expect-error lines that fail if a type it reaches, ours or a
  // dependency's, silently degrades to `any` (the symptom of a declaration import that does not resolve).
  skipLibCheck: true,
};

/**
 * Write every consumer module three times (node16 ESM `.mts`, node16 CJS `.cts`, bundler `.ts`) and one tsconfig
 * per resolution mode, so one source is checked against the `import` types, the `require` types and a bundler's.
 */
export async function writeTypeScriptConsumers(
  projectDir: string,
  modules: readonly ConsumerModule[],
): Promise<ConsumerTsconfig[]> {
  await mkdir(join(projectDir, 'consumers'), { recursive: true });
  for (const module of modules) {
    for (const extension of ['mts', 'cts', 'ts']) {
      await writeFile(join(projectDir, 'consumers', `${module.stem}.${extension}`), module.source);
    }
  }
  const files = (extensions: string[]) =>
    modules.flatMap((module) => extensions.map((extension) => `consumers/${module.stem}.${extension}`));
  const configs = [
    {
      resolution: 'node16' as const,
      compilerOptions: { ...SHARED_COMPILER_OPTIONS, module: 'node16', moduleResolution: 'node16' },
      files: files(['mts', 'cts']),
    },
    {
      resolution: 'bundler' as const,
      compilerOptions: { ...SHARED_COMPILER_OPTIONS, module: 'preserve', moduleResolution: 'bundler' },
      files: files(['ts']),
    },
  ];
  const written: ConsumerTsconfig[] = [];
  for (const { resolution, compilerOptions, files: list } of configs) {
    const tsconfigPath = join(projectDir, `tsconfig.${resolution}.json`);
    await writeFile(tsconfigPath, `${JSON.stringify({ compilerOptions, files: list }, null, 2)}\n`);
    written.push({ resolution, tsconfigPath });
  }
  return written;
}

/** A consumer module that reads every runtime export of `packageName` through its published types. */
export function runtimeExportsConsumer(stem: string, packageName: string, exportNames: readonly string[]) {
  const reads = exportNames.map((name) => `  published.${name},`).join('\n');
  return {
    stem,
    source: `// Generated: every runtime export of ${packageName} must be declared in its types.\nimport * as published from '${packageName}';\n\nexport const runtimeExports: readonly unknown[] = [\n${reads}\n];\n`,
  };
}

/** Absolute path of the workspace's TypeScript compiler (the `tsc` script of its `typescript` package). */
export function workspaceTypeScriptCompiler(workspaceRoot: string): string {
  const requireFromRoot = createRequire(join(workspaceRoot, 'package.json'));
  return join(requireFromRoot.resolve('typescript/package.json'), '..', 'bin', 'tsc');
}
