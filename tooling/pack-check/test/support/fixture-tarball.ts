import { join } from 'node:path';
import { assertSucceeded, cleanChildEnvironment, runCommand } from './run-command.js';

/** Folder of the deliberately broken package the self-tests pack. */
export const MASQUERADING_FIXTURE = join(import.meta.dirname, '../fixtures/masquerading-package');

/**
 * `npm pack` a fixture folder (not a workspace package, so pnpm is not needed) into `destination`; returns the
 * tarball path. npm names the tarball from the package name and version.
 */
export async function packFixture(fixtureDir: string, destination: string): Promise<string> {
  const result = assertSucceeded(
    await runCommand('npm', ['pack', fixtureDir, '--pack-destination', destination, '--json'], {
      cwd: destination,
      env: cleanChildEnvironment(),
    }),
    `Could not pack the fixture ${fixtureDir}.`,
  );
  const [entry] = JSON.parse(result.stdout) as { filename: string }[];
  return join(destination, entry?.filename ?? '');
}
