import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(
  new URL('../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url),
);

/** The published `@modelcontextprotocol/server-everything`, run as a child process in Streamable HTTP mode. */
export interface EverythingServer {
  readonly port: number;
  /** `http://127.0.0.1:PORT/mcp` */
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** A port that was free a moment ago: the server takes its port from `PORT` and cannot be told to use 0. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts it in `streamableHttp` mode (endpoint /mcp) and resolves once it prints its listening line. */
export async function startEverything(timeoutMs = 15_000): Promise<EverythingServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [ENTRY, 'streamableHttp'], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server-everything did not start in ${timeoutMs} ms: ${output}`)),
      timeoutMs,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      output += String(chunk);
      if (/listening on port/i.test(output)) {
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
    url: `http://127.0.0.1:${port}/mcp`,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
