import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));
const URL_LINE = /(http:\/\/127\.0\.0\.1:\d+)\/mcp/;

/** The host running as a real child process (`node dist/cli.js serve`). */
export interface HostProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:PORT` — append `/mcp`, `/status`, … */
  readonly baseUrl: string;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /**
   * Sends `signal` and resolves with the exit code (or the signal name) once the process is gone. Bounded: after
   * `timeoutMs` the process is killed with SIGKILL and the promise rejects, so a host that does not exit fails the
   * test instead of hanging it.
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

/**
 * Starts `mcp-host serve` with `env` on an ephemeral loopback port and resolves once it prints its MCP URL.
 * Bounded: rejects after `timeoutMs` with everything the process printed.
 */
export async function startHostProcess(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<HostProcess> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { PATH: process.env.PATH ?? '', MCP_HOST_PORT: '0', MCP_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += String(chunk);
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never leave a half-started host behind
      reject(new Error(`host did not start in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    const check = () => {
      const match = URL_LINE.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code} before serving:\n${stdout}\n${stderr}`));
    });
  });
  return {
    child,
    baseUrl,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000) {
      if (child.exitCode !== null) return child.exitCode;
      if (child.signalCode !== null) return child.signalCode;
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`host did not exit within ${timeoutMs} ms of ${signal}:\n${stderr}`));
        }, timeoutMs);
      });
      try {
        const [code, signalName] = await Promise.race([exited, deadline]);
        return code ?? signalName ?? 'unknown';
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
