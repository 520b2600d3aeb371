import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/fleet-host.mjs', import.meta.url));
const STEP_TIMEOUT_MS = 15_000;

/** What test/fixtures/fleet-host.mjs prints, one JSON object per line. */
export interface HostLine {
  ready?: boolean;
  held?: string | null;
  loading?: boolean;
  fence?: number;
  following?: { holderId: string; fence: number };
  refreshed?: string;
  failed?: string;
}

/** A fleet host in a child process (the built package), its output so far, and bounded ways to wait on it. */
export interface HostProcess {
  readonly instanceId: string;
  readonly lines: HostLine[];
  /** Waits (bounded) for the first line matching `predicate`. */
  next(predicate: (line: HostLine) => boolean): Promise<HostLine>;
  send(command: object): void;
  /** SIGKILLs the child and resolves once it is gone. */
  kill(): Promise<void>;
  /** Closes its cache and waits for it to exit. */
  close(): Promise<void>;
}

/** Starts `fleet-host.mjs` and waits until its cache is connected. */
export async function startHostProcess(url: string, keyPrefix: string, leaseMs: number, instanceId: string) {
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(
    process.execPath,
    [fixture, url, keyPrefix, String(leaseMs), instanceId],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdin.on('error', () => undefined); // a killed child must not crash the runner
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines: HostLine[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (text) => {
    lines.push(JSON.parse(text) as HostLine);
    for (const wake of waiters) wake();
  });
  const next = (predicate: (line: HostLine) => boolean) =>
    new Promise<HostLine>((resolve, reject) => {
      const check = () => {
        const found = lines.find(predicate);
        if (found === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(`host ${instanceId}: no matching line within ${STEP_TIMEOUT_MS} ms; stderr: ${stderr}`),
        );
      }, STEP_TIMEOUT_MS);
      waiters.add(check);
      check();
    });
  const host: HostProcess = {
    instanceId,
    lines,
    next,
    send: (command) => child.stdin.write(`${JSON.stringify(command)}\n`),
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      host.send({ cmd: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
  await next((line) => line.ready === true);
  return host;
}
