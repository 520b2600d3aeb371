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

type FaultOperation = 'open' | 'writeFile' | 'sync' | 'rename';

/**
 * The real `node:fs/promises`, wrapped so a test can count calls, hold the next temp-file write on a
 * promise, or make the next call of an operation fail with an errno code.
 */
export class ControllableFs implements RegistryFs {
  readonly renames: Array<{ from: string; to: string }> = [];
  readonly opens: string[] = [];
  private hold: { arrive: () => void; released: Promise<void> } | undefined;
  private readonly faults = new Map<FaultOperation, { code: string; persistent: boolean }>();

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

  /** Makes the next call of `operation` reject with a Node-style error carrying `code`. */
  failNext(operation: FaultOperation, code: string): void {
    this.faults.set(operation, { code, persistent: false });
  }

  /** Makes every call of `operation` reject with `code` until {@link clearFaults}. */
  failUntilCleared(operation: FaultOperation, code: string): void {
    this.faults.set(operation, { code, persistent: true });
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Renames whose target is `targetPath`: one per completed flush. */
  renamesTo(targetPath: string): number {
    return this.renames.filter((rename) => rename.to === targetPath).length;
  }

  private injectFault(operation: FaultOperation, target: string): void {
    const fault = this.faults.get(operation);
    if (fault === undefined) return;
    if (!fault.persistent) this.faults.delete(operation);
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
      close: () => handle.close(),
    };
  }

  private async passGate(): Promise<void> {
    const hold = this.hold;
    if (!hold) return;
    this.hold = undefined;
    hold.arrive();
    await hold.released;
  }

  readFile(filePath: string, encoding: 'utf8'): Promise<string> {
    return realFs.readFile(filePath, encoding);
  }

  async rename(from: string, to: string): Promise<void> {
    this.injectFault('rename', to);
    await realFs.rename(from, to);
    this.renames.push({ from, to });
  }

  unlink(filePath: string): Promise<void> {
    return realFs.unlink(filePath);
  }

  mkdir(dirPath: string, options: { recursive: true; mode?: number }): Promise<string | undefined> {
    return realFs.mkdir(dirPath, options);
  }

  readdir(dirPath: string): Promise<string[]> {
    return realFs.readdir(dirPath);
  }
}

/** Timers that only fire when the test says so. */
export class ManualTimers implements RegistryTimers {
  private nextId = 1;
  private readonly pending = new Map<number, { callback: () => void; delayMs: number }>();

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { callback, delayMs });
    return id;
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
