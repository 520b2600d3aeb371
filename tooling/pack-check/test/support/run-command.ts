import { spawn } from 'node:child_process';
import { PackCheckError } from './errors.js';

/** The outcome of one child process: exit code (null when killed by a signal) and everything it printed. */
export interface CommandResult {
  readonly command: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where and how to run a command. */
export interface RunCommandOptions {
  readonly cwd: string;
  /** The full environment of the child; defaults to this process's. */
  readonly env?: NodeJS.ProcessEnv;
  /** Kill the child after this long; a hung registry or compiler must not hang CI. */
  readonly timeoutMs?: number;
}

/**
 * Run `command args…` without a shell and collect its output. Never rejects on a non-zero exit: callers decide what
 * a failure means (attw exits 1 when it finds problems, and its JSON is still the interesting part).
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  const display = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) =>
      reject(
        new PackCheckError('command_failed', `Could not start \`${display}\`: ${error.message}.`, {
          cause: error,
        }),
      ),
    );
    child.on('close', (code, signal) =>
      resolve({
        command: display,
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
}

/** Throw a `command_failed` error, with the tail of the child's output, unless it exited 0. */
export function assertSucceeded(result: CommandResult, hint: string): CommandResult {
  if (result.code === 0) return result;
  const output = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-40).join('\n');
  const how = result.signal === null ? `exited with ${result.code}` : `was killed by ${result.signal}`;
  throw new PackCheckError('command_failed', `\`${result.command}\` ${how}. ${hint}\n${output}`);
}

// pnpm exports these to scripts; npm run inside a pnpm script would read them as its own settings and warn.
const PNPM_SCRIPT_VARIABLE =
  /^(pnpm_|npm_package_|npm_lifecycle_|npm_command$|npm_execpath$|npm_node_execpath$)/i;

/**
 * This process's environment without the variables pnpm sets for a running script, so a child `npm` behaves as it
 * would for a user in a fresh shell. Registry and proxy settings (`npm_config_registry`, …) are kept.
 */
export function cleanChildEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (PNPM_SCRIPT_VARIABLE.test(key)) continue;
    if (key === 'npm_config_user_agent' || key === 'npm_config_verify_deps_before_run') continue;
    env[key] = value;
  }
  env.npm_config_update_notifier = 'false';
  return env;
}
