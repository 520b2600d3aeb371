import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/**
 * The writers' environment. Without NODE_EXTRA_CA_CERTS: Node parses that CA bundle at every start (~50 ms on a
 * machine that sets it, more than the rest of a writer's start-up), and a writer never speaks TLS.
 */
const writerEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name !== 'NODE_EXTRA_CA_CERTS'),
);

/** What the crash writer prints, one JSON object per line. */
export interface WriterLine {
  loaded?: boolean;
  ready?: boolean;
  g?: number;
  size?: number;
  removedTempFiles?: string[];
  problems?: unknown[];
  flushed?: number;
  done?: boolean;
}

/** A crash-writer child process and what it has printed so far. */
export interface WriterChild {
  readonly pid: number | undefined;
  readonly lines: WriterLine[];
  readonly stderr: () => string;
  /** Waits (bounded) for the first line matching `predicate`. */
  next(predicate: (line: WriterLine) => boolean): Promise<WriterLine>;
  /** Tells a loaded child to start writing. */
  go(): void;
  /** SIGKILLs the child and resolves once it is gone and its output is drained. */
  kill(): Promise<void>;
}

/**
 * Starts `node ...nodeArgs`. Lines are collected as they come; `next()` and `kill()` are bounded by
 * `timeoutMs`, so a hung child fails the test instead of hanging it.
 */
export function startWriter(nodeArgs: string[], timeoutMs: number): WriterChild {
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(process.execPath, nodeArgs, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: writerEnv,
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdin.on('error', () => undefined); // a child killed early must not crash the runner
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const lines: WriterLine[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    lines.push(JSON.parse(text) as WriterLine);
    for (const wake of waiters.splice(0)) wake();
  });
  const bounded = <T>(work: Promise<T>, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`crash writer ${child.pid}: ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  };
  const next = async (predicate: (line: WriterLine) => boolean): Promise<WriterLine> => {
    const search = async () => {
      for (;;) {
        const found = lines.find(predicate);
        if (found) return found;
        await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), closed]);
        if (child.exitCode !== null || child.signalCode !== null) {
          const late = lines.find(predicate);
          if (late) return late;
          throw new Error(`crash writer exited early: ${stderr.join('')}`);
        }
      }
    };
    return bounded(search(), 'no expected line');
  };
  return {
    pid: child.pid,
    lines,
    stderr: () => stderr.join(''),
    next,
    go: () => child.stdin.write('go\n'),
    kill: () => {
      child.kill('SIGKILL');
      return bounded(closed, 'did not exit after SIGKILL');
    },
  };
}
