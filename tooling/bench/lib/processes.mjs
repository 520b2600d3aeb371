// Child processes of the bench: IPC workers, the real host CLI, peers. Every wait is bounded.
import { fork, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BENCH_DIR = path.resolve(here, '..');
/** The built host CLI (apps/mcp-host/dist/cli.js). */
export const HOST_CLI = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@cortex-mcp/mcp-host/package.json')),
  'dist',
  'cli.js',
);

/** Every child the bench started and has not seen exit: killed by {@link stopAllChildren} (e.g. after a timeout). */
const liveChildren = new Set();

/** @param {import('node:child_process').ChildProcess} child */
function track(child) {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  return child;
}

/** Stops every child still running (a scenario abandoned at its time budget leaves its processes behind). */
export async function stopAllChildren() {
  await Promise.all([...liveChildren].map((child) => killAndWait(child, 2_000)));
}

/**
 * Forks an IPC worker; `request(message)` sends one command and resolves with its reply.
 * @param {string} script path
 * @param {{ env?: Record<string, string>, execArgv?: string[] }} [options]
 */
export function forkWorker(script, options = {}) {
  const child = track(
    fork(script, [], {
      env: { ...process.env, ...options.env },
      execArgv: options.execArgv ?? [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    }),
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  /** @type {((reply: any) => void)[]} */
  const waiting = [];
  child.on('message', (reply) => waiting.shift()?.(reply));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    child,
    /**
     * @param {object} message
     * @param {number} [timeoutMs]
     * @returns {Promise<any>}
     */
    request(message, timeoutMs = 120_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`worker did not answer ${JSON.stringify(message).slice(0, 80)}`)),
          timeoutMs,
        );
        waiting.push((reply) => {
          clearTimeout(timer);
          if (reply.ok) resolve(reply);
          else reject(new Error(`worker: ${reply.error}`));
        });
        exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`worker exited: ${stderr.trim().slice(-500)}`));
        });
        child.send(message);
      });
    },
    async stop() {
      if (child.exitCode === null && child.connected) {
        await this.request({ cmd: 'stop' }, 20_000).catch(() => undefined);
      }
      await killAndWait(child);
    },
  };
}

/**
 * SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone.
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} [graceMs]
 */
export async function killAndWait(child, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A free loopback port (bound then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns a process and resolves once a stdout/stderr line matches `ready` (bounded by `timeoutMs`).
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ env?: Record<string, string | undefined>, ready: RegExp, timeoutMs?: number, cwd?: string }} options
 */
export function spawnUntil(command, args, options) {
  const child = track(
    spawn(command, args, {
      env: { ...process.env, ...options.env },
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let output = '';
  const startedAt = performance.now();
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(
          `${path.basename(command)} not ready within ${options.timeoutMs ?? 30_000} ms: ${output.slice(-600)}`,
        ),
      );
    }, options.timeoutMs ?? 30_000);
    const onData = (/** @type {Buffer} */ chunk) => {
      output = (output + chunk.toString()).slice(-20_000);
      const match = options.ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ match, atMs: performance.now() - startedAt });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${path.basename(command)} exited (${code ?? signal}) before it was ready: ${output.slice(-600)}`,
        ),
      );
    });
  });
  return {
    child,
    /** @type {Promise<{ match: RegExpExecArray, atMs: number }>} */
    ready: /** @type {any} */ (ready),
    output: () => output,
    stop: () => killAndWait(child),
  };
}

/** VmRSS of a process in bytes (Linux), or NaN. */
export async function processRssBytes(/** @type {number | undefined} */ pid) {
  if (pid === undefined) return Number.NaN;
  try {
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
