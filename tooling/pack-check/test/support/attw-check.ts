import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PackCheckError } from './errors.js';
import { runCommand } from './run-command.js';

/** The module resolutions of attw's "strict" profile: every one must be checked. */
export const ATTW_RESOLUTIONS = ['bundler', 'node10', 'node16-cjs', 'node16-esm'] as const;

/** What attw found for one tarball. */
export interface AttwFindings {
  /** attw's exit code: 0 only when it found no problem. */
  readonly exitCode: number | null;
  /** How the package ships types (`included` for ours). */
  readonly typesKind: string;
  /** The resolutions attw analysed for the root entry point, sorted. */
  readonly rootResolutions: readonly string[];
  /**
   * Each problem as `Kind (where, resolution)`: `NoResolution (./extra, node16-esm)` for a resolution problem,
   * `FalseESM (/node_modules/pkg/index.d.ts, any)` for a problem with one types file.
   */
  readonly problems: readonly string[];
}

interface AttwReport {
  readonly analysis: {
    readonly types: { readonly kind: string };
    readonly entrypoints: Record<string, { readonly resolutions: Record<string, unknown> }>;
    readonly problems?: readonly {
      kind: string;
      entrypoint?: string;
      resolutionKind?: string;
      typesFileName?: string;
    }[];
  };
}

const requireFromHere = createRequire(import.meta.url);
const attwCli = join(dirname(requireFromHere.resolve('@arethetypeswrong/cli/package.json')), 'dist/index.js');

/**
 * Run the attw CLI on a packed tarball with the strict profile (node10, node16 CJS, node16 ESM, bundler) and parse
 * its JSON. `--no-definitely-typed`: our packages ship their own types, and the check must not need the registry.
 */
export async function checkTarballTypes(tarballPath: string, cwd: string): Promise<AttwFindings> {
  const result = await runCommand(
    process.execPath,
    [attwCli, tarballPath, '--format', 'json', '--profile', 'strict', '--no-definitely-typed'],
    { cwd },
  );
  let report: AttwReport;
  try {
    report = JSON.parse(result.stdout) as AttwReport;
  } catch (error) {
    throw new PackCheckError(
      'command_failed',
      `attw printed no JSON for ${tarballPath} (exit ${result.code}); run \`${result.command}\` to see why.\n${result.stderr}`,
      { cause: error },
    );
  }
  return {
    exitCode: result.code,
    typesKind: report.analysis.types.kind,
    rootResolutions: Object.keys(report.analysis.entrypoints['.']?.resolutions ?? {}).sort(),
    problems: (report.analysis.problems ?? []).map(
      (problem) =>
        `${problem.kind} (${problem.entrypoint ?? problem.typesFileName ?? '.'}, ${problem.resolutionKind ?? 'any'})`,
    ),
  };
}
