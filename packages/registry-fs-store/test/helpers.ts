import { spawnSync } from 'node:child_process';
import { promises as realFs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RegistryFileHandle, RegistryFs, RegistryLogger, RegistryTimers } from '../src/index.js';

/** A fresh directory under the OS temp dir; `remove()` deletes it. */
export async function makeTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await realFs.mkdtemp(path.join(os.tmpdir(), 'registry-fs-store-'));
  return { dir, remove: () => realFs.rm(dir, { recursive: true, force: true }) };
}

/** A pause point inside one fs call: `reached` resolves when the call arrives, `release()` lets it go on. */
export interface Gate {
  reached: Promise<void>;
  release: () => void;
}

type FaultOperation =
  | 'open'
  | 'writeFile'
  | 'sync'
  | 'close'
  | 'rename'
  | 'readFile'
  | 'unlink'
  | 'stat'
  | 'link';

interface Fault {
  operation: FaultOperation;
  code: string;
  persistent: boolean;
  /** Only calls whose path contains this fail (the target, for rename). */
  pathIncludes: string | undefined;
}

/**
 * The real `node:fs/promises`, wrapped so a test can count calls, hold the next temp-file write on a
 * promise, make calls of an operation fail with an errno code (optionally only for paths containing a
 * string), or run a hook just before a rename.
 */
export class ControllableFs implements RegistryFs {
  readonly renames: Array<{ from: string; to: string }> = [];
  readonly opens: string[] = [];
  readonly links: string[] = [];
  /** Runs before each rename reaches the disk (after fault injection). */
  beforeRename: ((from: string, to: string) => void | Promise<void>) | undefined;
  private hold: { arrive: () => void; released: Promise<void> } | undefined;
  private faults: Fault[] = [];

  /** Holds the next `FileHandle.writeFile` until the returned gate is released. */
  holdNextWrite(): Gate {
    let arrive!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => {
      arrive = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.hold = { arrive, released };
    return { reached, release };
  }

  /** Makes the next call of `operation` (on a path containing `pathIncludes`) reject with `code`. */
  failNext(operation: FaultOperation, code: string, pathIncludes?: string): void {
    this.faults.push({ operation, code, persistent: false, pathIncludes });
  }

  /** Makes every call of `operation` (on a path containing `pathIncludes`) reject with `code` until cleared. */
  failUntilCleared(operation: FaultOperation, code: string, pathIncludes?: string): void {
    this.faults.push({ operation, code, persistent: true, pathIncludes });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Renames whose target is `targetPath`: one per completed flush. */
  renamesTo(targetPath: string): number {
    return this.renames.filter((rename) => rename.to === targetPath).length;
  }

  private injectFault(operation: FaultOperation, target: string): void {
    const fault = this.faults.find(
      (candidate) =>
        candidate.operation === operation &&
        (candidate.pathIncludes === undefined || target.includes(candidate.pathIncludes)),
    );
    if (fault === undefined) return;
    if (!fault.persistent) this.faults = this.faults.filter((candidate) => candidate !== fault);
    const { code } = fault;
    throw Object.assign(new Error(`${code}: injected ${operation} failure, '${target}'`), {
      code,
      syscall: operation,
      path: target,
    });
  }

  async open(filePath: string, flags: string, mode?: number): Promise<RegistryFileHandle> {
    this.injectFault('open', filePath);
    this.opens.push(filePath);
    const handle = await realFs.open(filePath, flags, mode);
    return {
      writeFile: async (data, encoding) => {
        await this.passGate();
        this.injectFault('writeFile', filePath);
        await handle.writeFile(data, encoding);
      },
      sync: async () => {
        this.injectFault('sync', filePath);
        await handle.sync();
      },
      close: async () => {
        await handle.close();
        this.injectFault('close', filePath);
      },
    };
  }

  private async passGate(): Promise<void> {
    const hold = this.hold;
    if (!hold) return;
    this.hold = undefined;
    hold.arrive();
    await hold.released;
  }

  async readFile(filePath: string, encoding: 'utf8'): Promise<string> {
    this.injectFault('readFile', filePath);
    return realFs.readFile(filePath, encoding);
  }

  async rename(from: string, to: string): Promise<void> {
    this.injectFault('rename', to);
    await this.beforeRename?.(from, to);
    await realFs.rename(from, to);
    this.renames.push({ from, to });
  }

  async unlink(filePath: string): Promise<void> {
    this.injectFault('unlink', filePath);
    return realFs.unlink(filePath);
  }

  mkdir(dirPath: string, options: { recursive: true; mode?: number }): Promise<string | undefined> {
    return realFs.mkdir(dirPath, options);
  }

  readdir(dirPath: string): Promise<string[]> {
    return realFs.readdir(dirPath);
  }

  async link(existingPath: string, newPath: string): Promise<void> {
    this.injectFault('link', newPath);
    await realFs.link(existingPath, newPath);
    this.links.push(newPath);
  }

  async stat(filePath: string): Promise<{ mtimeMs: number }> {
    this.injectFault('stat', filePath);
    return realFs.stat(filePath);
  }
}

/** Timers that only fire when the test says so. */
export class ManualTimers implements RegistryTimers {
  private nextId = 1;
  private readonly pending = new Map<number, { callback: () => void; delayMs: number }>();

  private armWaiters: Array<() => void> = [];

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { callback, delayMs });
    for (const wake of this.armWaiters.splice(0)) wake();
    return id;
  }

  /** Resolves at the next `setTimeout` call. */
  nextArmed(): Promise<void> {
    return new Promise((resolve) => this.armWaiters.push(resolve));
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Number of armed timers. */
  get armed(): number {
    return this.pending.size;
  }

  /** Delays of the armed timers. */
  get delays(): number[] {
    return [...this.pending.values()].map((timer) => timer.delayMs);
  }

  /** Fires every armed timer (as if their delay had passed). Returns how many fired. */
  fireAll(): number {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const timer of due) timer.callback();
    return due.length;
  }
}

/** A logger that keeps what it was told. */
export class RecordingLogger implements RegistryLogger {
  readonly warnings: Array<{ obj: object; msg: string | undefined }> = [];
  readonly infos: Array<{ obj: object; msg: string | undefined }> = [];
  readonly debugs: Array<{ obj: object; msg: string | undefined }> = [];

  warn(obj: object, msg?: string): void {
    this.warnings.push({ obj, msg });
  }

  info(obj: object, msg?: string): void {
    this.infos.push({ obj, msg });
  }

  debug(obj: object, msg?: string): void {
    this.debugs.push({ obj, msg });
  }
}

/** Reads and parses a registry file from disk. */
export async function readRegistryFile(filePath: string): Promise<{ version: number; servers: unknown[] }> {
  return JSON.parse(await realFs.readFile(filePath, 'utf8'));
}

/** Names in a registry file on disk. */
export async function namesOnDisk(filePath: string): Promise<string[]> {
  const file = await readRegistryFile(filePath);
  return file.servers.map((server) => (server as { name: string }).name);
}

export function stdioServer(name: string, extra: Record<string, unknown> = {}) {
  return { name, transport: 'stdio' as const, command: 'node', args: ['server.js'], ...extra };
}

/** Names of the files in `dir`, sorted; `[]` when it does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  return (await realFs.readdir(dir).catch(() => [] as string[])).sort();
}

/** A pid that is certainly not running: a child that has already exited. */
export function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  if (pid === undefined) throw new Error('could not start a short-lived child process');
  return pid;
}
