// Runs the built program (dist/cli.js) as a real child process. Build it first: `pnpm exec tsup`.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** What the process printed and how it ended. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/cli.js ...args` with only the given environment (plus PATH), so the developer's own CONNECTORS_*
 * or MCP_* variables cannot leak into a test.
 */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
) {
  if (!existsSync(cliPath))
    throw new Error(`${cliPath} is missing: run "pnpm exec tsup" in apps/mcp-host first.`);
  return new Promise<CliResult>((resolve, reject) => {
    execFile(
      process.execPath,
      [cliPath, ...args],
      { env: { PATH: process.env.PATH ?? '', ...options.env }, cwd: options.cwd, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : (error as { code?: unknown }).code;
        if (typeof code !== 'number') reject(error);
        else resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The lines of a stream's text, without the final empty one. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((line, index, all) => !(line === '' && index === all.length - 1));
}
