// A real redis-server for the tests: installed with Debian's package when missing (as root), started on a free
// loopback port with no persistence, stopped afterwards. Tests that simulate outages start their own server
// with `startRedisServer()` so stopping it never disturbs another test file running in parallel.
import { type ChildProcess, spawn } from 'node:child_process';
import { ensureBinary, TEST_SERVERS } from '../debian-packages.mjs';
import { redisServerArgs } from '../redis-args.mjs';
import { freePort } from './free-port.js';

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const START_ATTEMPTS = 3;

/** A running (or stopped, restartable) redis-server on 127.0.0.1. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Whether the process is running. */
  readonly running: boolean;
  /** Stops the server (SIGTERM, then SIGKILL after a bound). Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after `stop()`), empty: there is no persistence. */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing is answered, like a hung server. */
  pause(): void;
  /** Thaws it (SIGCONT). */
  resume(): void;
}

let installing: Promise<string> | undefined;

/**
 * The path of `redis-server`, installing Debian's `redis-server` package first when it is missing and this
 * process runs as root. Idempotent and quiet (one line on stderr when it installs).
 *
 * @throws Error naming what to install by hand when it cannot install.
 */
export function ensureRedisServer(): Promise<string> {
  installing ??= ensureBinary(
    TEST_SERVERS.redis,
    'Install it by hand (Debian/Ubuntu: `apt-get install -y redis-server`; macOS: `brew install redis`) ' +
      'and run the tests again.',
  );
  return installing;
}

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /**
   * Extra `redis-server` arguments, after the defaults (a later one wins), kept across `stop()`/`start()`.
   * E.g. `['--rename-command', 'CLIENT', '']` to run a server that refuses `CLIENT` like a restricted one.
   */
  readonly args?: readonly string[];
}

/** Spawns redis-server and resolves once it logs that it accepts connections; rejects with its output if not. */
function spawnServer(binary: string, port: number, extraArgs: readonly string[]): Promise<ChildProcess> {
  const args = [...redisServerArgs(port), ...extraArgs];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port} did not start: ${why}\n${output.slice(-2_000)}`));
    };
    const timer = setTimeout(() => fail(`not ready within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        child.removeAllListeners('exit');
        guardAgainstOrphaning(child);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
  });
}

/**
 * Kills `server` if this process dies without stopping it (crash, SIGKILL): a shell blocks reading a pipe from us;
 * when the pipe closes — however we exit — it kills the server. Stopping the server normally ends the shell too.
 */
function guardAgainstOrphaning(server: ChildProcess): void {
  const watchdog = spawn(
    'sh',
    ['-c', 'read _ignored; kill -CONT "$0"; kill -KILL "$0" 2>/dev/null', String(server.pid)],
    {
      stdio: ['pipe', 'ignore', 'ignore'],
    },
  );
  watchdog.on('error', () => {}); // no sh: no watchdog, the normal stop still works
  watchdog.stdin?.on('error', () => {});
  // Neither the watchdog nor its pipe may keep the test process alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  server.once('exit', () => watchdog.kill('SIGKILL'));
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts a redis-server (installing it first if needed) on a free loopback port, with no persistence.
 * Call `stop()` when done; `stop()`/`start()` simulate an outage and the server's return (empty).
 *
 * @param options - `args`: extra `redis-server` arguments (e.g. `--rename-command CLIENT ""`)
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const extraArgs = options.args ?? [];
  const binary = await ensureRedisServer();
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    // Another process may take the probed port before redis binds it: try a new one.
    const port = await freePort();
    try {
      let child: ChildProcess | undefined = await spawnServer(binary, port, extraArgs);
      return {
        port,
        url: `redis://127.0.0.1:${port}`,
        get running() {
          return child !== undefined && child.exitCode === null && child.signalCode === null;
        },
        async stop() {
          const current = child;
          child = undefined;
          current?.kill('SIGCONT'); // a paused server would not act on SIGTERM
          if (current !== undefined) await stopProcess(current);
        },
        pause() {
          child?.kill('SIGSTOP');
        },
        resume() {
          child?.kill('SIGCONT');
        },
        async start() {
          if (child !== undefined) return;
          child = await spawnServer(binary, port, extraArgs);
        },
      };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
