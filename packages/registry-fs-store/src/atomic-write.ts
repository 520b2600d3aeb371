import path from 'node:path';
import { errorCodeOf } from './errors.js';
import type { RegistryFs } from './registry-fs.js';

/** New files hold env vars and headers, which may be secrets: owner-only. */
export const FILE_MODE = 0o600;
/** Directories the store creates are owner-only too. */
export const DIRECTORY_MODE = 0o700;
/** Extra attempts when a temp name is taken (a second copy of this module in the same process). */
const MAX_NAME_ATTEMPTS = 8;

/** Options for {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  fs: RegistryFs;
  /** Written into the temp file name so a later process can tell whose leftover it is. */
  pid: number;
  /** Returns a number not used before by this process for a temp name. */
  nextSequence: () => number;
}

/** `servers.json.tmp-{pid}-{n}`: the name of an in-progress write. */
export function tempFileName(baseName: string, pid: number, sequence: number): string {
  return `${baseName}.tmp-${pid}-${sequence}`;
}

/** The pid in a temp file name of `baseName`, or `undefined` when `fileName` is not one. */
export function tempFileOwnerPid(baseName: string, fileName: string): number | undefined {
  const prefix = `${baseName}.tmp-`;
  if (!fileName.startsWith(prefix)) return undefined;
  const match = /^(\d+)-(\d+)$/.exec(fileName.slice(prefix.length));
  return match ? Number(match[1]) : undefined;
}

/**
 * Replaces `targetPath` with `contents` so that a reader (or a crash) sees either the old file or the
 * new one, never a mix: write a temp file beside it, fsync it, rename it over the target, fsync the
 * directory. On failure the temp file is removed and the error rethrown; the target is untouched.
 */
export async function writeFileAtomic(
  targetPath: string,
  contents: string,
  options: AtomicWriteOptions,
): Promise<void> {
  const { fs } = options;
  const directory = path.dirname(targetPath);
  await fs.mkdir(directory, { recursive: true, mode: DIRECTORY_MODE });
  const tempPath = await writeTempFile(targetPath, contents, options);
  try {
    await fs.rename(tempPath, targetPath);
  } catch (error) {
    await unlinkQuietly(fs, tempPath);
    throw error;
  }
  await syncDirectory(fs, directory);
}

async function writeTempFile(targetPath: string, contents: string, options: AtomicWriteOptions) {
  const { fs } = options;
  const baseName = path.basename(targetPath);
  for (let attempt = 0; ; attempt++) {
    const tempPath = path.join(
      path.dirname(targetPath),
      tempFileName(baseName, options.pid, options.nextSequence()),
    );
    let handle: Awaited<ReturnType<RegistryFs['open']>>;
    try {
      // 'wx': never share a temp file with another writer, even one with our pid.
      handle = await fs.open(tempPath, 'wx', FILE_MODE);
    } catch (error) {
      if (errorCodeOf(error) === 'EEXIST' && attempt < MAX_NAME_ATTEMPTS) continue;
      throw error;
    }
    try {
      await handle.writeFile(contents, 'utf8');
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlinkQuietly(fs, tempPath);
      throw error;
    }
    try {
      // close() reports delayed write errors on some file systems (NFS): the data may not be there.
      await handle.close();
    } catch (error) {
      await unlinkQuietly(fs, tempPath);
      throw error;
    }
    return tempPath;
  }
}

/**
 * Makes the rename itself durable. Best effort: the rename is the commit point and has already
 * happened; some platforms (Windows) cannot fsync a directory at all.
 */
async function syncDirectory(fs: RegistryFs, directory: string): Promise<void> {
  try {
    const handle = await fs.open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported here (EISDIR, EPERM, EINVAL on some platforms): nothing more we can do.
  }
}

/** Deletes `filePath`, ignoring every error (it may be gone already). */
export async function unlinkQuietly(fs: RegistryFs, filePath: string): Promise<void> {
  await fs.unlink(filePath).catch(() => undefined);
}

/** Options for {@link removeStaleTempFiles}. */
export interface StaleTempCleanupOptions {
  fs: RegistryFs;
  isProcessAlive: (pid: number) => boolean;
  clock: () => number;
  /** A temp file of a live pid older than this is deleted too (needs `fs.stat`). */
  staleTempFileMs: number;
}

/**
 * Deletes temp files left behind by a crash between open and rename: those of `targetPath` itself, of its
 * backup and of its lock (`servers.json.tmp-*`, `servers.json.bak.tmp-*`, `servers.json.lock.tmp-*`). One is
 * deleted when its pid no longer runs, or when it is older than `staleTempFileMs` (a reused pid, or a writer on
 * another host): a live writer's file lives for milliseconds. Temp files are never read as data, so this is
 * housekeeping only. Returns the file names removed; a missing directory removes nothing.
 */
export async function removeStaleTempFiles(
  targetPath: string,
  options: StaleTempCleanupOptions,
): Promise<string[]> {
  const directory = path.dirname(targetPath);
  const baseName = path.basename(targetPath);
  const owners = [baseName, `${baseName}.bak`, `${baseName}.lock`];
  const names = await options.fs.readdir(directory).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const pid = owners.map((owner) => tempFileOwnerPid(owner, name)).find((found) => found !== undefined);
    if (pid === undefined) continue;
    const filePath = path.join(directory, name);
    if (options.isProcessAlive(pid) && !(await isOlderThan(filePath, options))) continue;
    try {
      await options.fs.unlink(filePath);
      removed.push(name);
    } catch {
      // Another process cleaned it first, or we may not delete it: either way it is not data.
    }
  }
  return removed;
}

async function isOlderThan(filePath: string, options: StaleTempCleanupOptions): Promise<boolean> {
  if (!options.fs.stat) return false;
  try {
    const { mtimeMs } = await options.fs.stat(filePath);
    return options.clock() - mtimeMs > options.staleTempFileMs;
  } catch {
    return false; // gone already, or not ours to inspect: leave it
  }
}

/** `process.kill(pid, 0)`: alive unless the OS says there is no such process. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return errorCodeOf(error) === 'EPERM';
  }
}
