import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from './free-port.js';

/** The published `@modelcontextprotocol/server-everything`, run as a child process on a free loopback port. */
export interface EverythingServer {
  readonly port: number;
  /** The endpoint of the mode it runs in: `http://127.0.0.1:PORT/mcp` (streamableHttp) or `/sse` (sse). */
  readonly url: string;
  readonly child: ChildProcess;
  /** SIGTERM, then resolves once the process is gone (at once when it already is). */
  stop(): Promise<void>;
}

/** Its transports: `streamableHttp` serves `/mcp`, `sse` the legacy `/sse` + `/message` pair. */
export type EverythingMode = 'streamableHttp' | 'sse';

const START_TIMEOUT_MS = 15_000;

/** The server's entry script, from this package's own dependency (the version every test uses). */
function entryScript(): string {
  const require = createRequire(import.meta.url);
  return join(
    dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')),
    'dist/index.js',
  );
}

/**
 * How to run server-everything on stdio (`node dist/index.js stdio`): for a registry-file stdio entry or an SDK
 * `StdioClientTransport`. Whoever spawns it owns the process.
 */
export function everythingStdioCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: [entryScript(), 'stdio'] };
}

/**
 * Starts server-everything in `mode` and resolves once it prints its listening line. The server takes its port
 * from `PORT` and cannot be told to use 0, so it gets one that was free a moment ago. Its environment is PATH only:
 * nothing from the test's environment leaks into it.
 */
export async function startEverything(mode: EverythingMode = 'streamableHttp'): Promise<EverythingServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [entryScript(), mode], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server-everything did not start in ${START_TIMEOUT_MS} ms: ${output}`));
    }, START_TIMEOUT_MS);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += String(chunk);
      if (/listening on port|running on port/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server-everything exited with ${code}: ${output}`));
    });
  });
  return {
    port,
    url: `http://127.0.0.1:${port}/${mode === 'sse' ? 'sse' : 'mcp'}`,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
