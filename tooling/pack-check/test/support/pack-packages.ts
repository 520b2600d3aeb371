import { existsSync } from 'node:fs';
import { PackCheckError } from './errors.js';
import { assertSucceeded, runCommand } from './run-command.js';
import type { PublishablePackage } from './workspace-packages.js';

/** A package and the tarball `pnpm pack` made of it. */
export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  readonly relativeDir: string;
  /** Absolute path of the .tgz. */
  readonly tarball: string;
}

interface PnpmPackEntry {
  readonly name: string;
  readonly filename: string;
}

/**
 * How to start pnpm: the running pnpm when this suite was started by `pnpm run` (npx in CI puts a pnpm on PATH only
 * for its own children, and `npm_execpath` names it), else `pnpm` from PATH.
 */
export function pnpmInvocation(): { command: string; prefixArgs: string[] } {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /pnpm(\.c?js)?$/.test(execPath) && existsSync(execPath)) {
    return /\.c?js$/.test(execPath)
      ? { command: process.execPath, prefixArgs: [execPath] }
      : { command: execPath, prefixArgs: [] };
  }
  return { command: 'pnpm', prefixArgs: [] };
}

/**
 * `pnpm pack` every package into `destination` in one pnpm run (one start-up instead of one per package). pnpm
 * rewrites `workspace:` ranges to real versions in the packed package.json, which is what npm users receive.
 */
export async function packPackages(
  root: string,
  packages: readonly PublishablePackage[],
  destination: string,
): Promise<PackedPackage[]> {
  if (packages.length === 0) return [];
  const pnpm = pnpmInvocation();
  const filters = packages.flatMap((pkg) => ['--filter', `./${pkg.relativeDir}`]);
  const result = assertSucceeded(
    await runCommand(
      pnpm.command,
      [...pnpm.prefixArgs, '--recursive', ...filters, 'pack', '--pack-destination', destination, '--json'],
      { cwd: root },
    ),
    'Run the same pnpm pack in the workspace root to see why.',
  );
  const entries = parsePackOutput(result.stdout);
  return packages.map((pkg) => {
    const entry = entries.find((candidate) => candidate.name === pkg.name);
    if (entry === undefined || !existsSync(entry.filename)) {
      throw new PackCheckError(
        'pack_failed',
        `pnpm pack reported no tarball for ${pkg.name} (${pkg.relativeDir}); check its "files" and that it builds.`,
      );
    }
    return {
      name: pkg.name,
      version: pkg.version,
      dir: pkg.dir,
      relativeDir: pkg.relativeDir,
      tarball: entry.filename,
    };
  });
}

// `pnpm -r pack --json` prints one array; a single selected package may come back as a bare object.
function parsePackOutput(stdout: string): PnpmPackEntry[] {
  const start = stdout.search(/[[{]/);
  try {
    const parsed = JSON.parse(stdout.slice(Math.max(start, 0))) as PnpmPackEntry | PnpmPackEntry[];
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch (error) {
    throw new PackCheckError(
      'pack_failed',
      `pnpm pack --json printed something that is not JSON:\n${stdout}`,
      {
        cause: error,
      },
    );
  }
}
