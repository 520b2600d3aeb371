import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The built host CLI of the workspace's `@cortex-mcp/mcp-host` (`apps/mcp-host/dist/cli.js`). */
export const HOST_CLI = join(
  dirname(createRequire(import.meta.url).resolve('@cortex-mcp/mcp-host/package.json')),
  'dist',
  'cli.js',
);

const ENDPOINT_LINE = /MCP endpoint (http:\/\/127\.0\.0\.1:\d+\/mcp)/;

/** `mcp-host serve` as a child process. */
export interface HostProcess {
  /** The host's MCP endpoint, `http://127.0.0.1:PORT/mcp`. */
  readonly url: string;
  /** Everything the host wrote to stdout and stderr, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `node dist/cli.js serve` on an ephemeral loopback port with only `env` (and PATH) in its environment, and
 * resolves once it prints its MCP endpoint. Bounded: after `timeoutMs` the process is killed and the promise rejects
 * with what it printed.
 */
export async function startHostProcess(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<HostProcess> {
  const child = spawn(process.execPath, [HOST_CLI, 'serve'], {
    env: { PATH: process.env.PATH ?? '', MCP_HOST_BIND: '127.0.0.1', MCP_HOST_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + String(chunk)).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  try {
    const url = await endpointOf(child, () => output, timeoutMs);
    return { url, output: () => output, stop: (graceMs) => stopChild(child, graceMs) };
  } catch (error) {
    await stopChild(child, 1_000);
    throw error;
  }
}

function endpointOf(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`host did not print its endpoint in ${timeoutMs} ms:\n${output()}`)),
      timeoutMs,
    );
    child.stdout?.on('data', () => {
      const url = ENDPOINT_LINE.exec(output())?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`host exited (${code ?? signal}) before serving:\n${output()}`));
    });
  });
}

async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
