import path from 'node:path';
import { DIRECTORY_MODE, writeFileAtomic } from './atomic-write.js';
import { errorCodeOf } from './errors.js';
import { backupPathFor, interpretDiskText } from './registry-disk-state.js';
import { serializeRegistry } from './registry-file.js';
import { acquireRegistryLock, type RegistryLockOptions } from './registry-lock.js';
import type { ServerInfo } from './schema.js';

/** The file as this process last read or wrote it. */
export interface KnownFile {
  text: string;
  servers: ReadonlyMap<string, ServerInfo>;
}

/** What {@link writeMergedRegistry} wrote. */
export interface MergedWrite {
  /** The registry now on disk: the file as found, with this process's changes on top. */
  file: KnownFile;
  /** Why the backup could not be written; the registry itself was. */
  backupError: unknown;
}

/**
 * One flush, under `servers.json.lock`: read the file as it is now (another process may have written since),
 * apply this process's changes (`null` = removed) on top, write the result atomically, then copy it to
 * `servers.json.bak` the same way. Two processes therefore never lose each other's entries: the second
 * flush starts from the first one's file. When the file is unchanged since `known`, it is not parsed again.
 *
 * @throws the lock's `lock_timeout`, `unsupported_version` / `read_failed` from reading the file, or the fs
 *   error of the write. The file on disk is then unchanged (or moved aside, when it was damaged).
 */
export async function writeMergedRegistry(
  registryPath: string,
  changes: ReadonlyMap<string, ServerInfo | null>,
  known: KnownFile | undefined,
  options: RegistryLockOptions,
): Promise<MergedWrite> {
  await options.fs.mkdir(path.dirname(registryPath), { recursive: true, mode: DIRECTORY_MODE });
  const release = await acquireRegistryLock(registryPath, options);
  try {
    const merged = new Map(await currentServers(registryPath, known, options));
    for (const [name, server] of changes) {
      if (server) merged.set(name, server);
      else merged.delete(name);
    }
    const text = serializeRegistry(merged.values());
    const atomic = { fs: options.fs, pid: options.pid, nextSequence: options.nextSequence };
    await writeFileAtomic(registryPath, text, atomic);
    let backupError: unknown;
    try {
      await writeFileAtomic(backupPathFor(registryPath), text, atomic);
    } catch (error) {
      backupError = error ?? new Error('backup write failed');
    }
    return { file: { text, servers: merged }, backupError };
  } finally {
    await release();
  }
}

async function currentServers(
  registryPath: string,
  known: KnownFile | undefined,
  options: RegistryLockOptions,
): Promise<ReadonlyMap<string, ServerInfo>> {
  let text: string;
  try {
    text = await options.fs.readFile(registryPath, 'utf8');
  } catch (error) {
    // Deleted by hand, or never written: nothing to keep but this process's changes.
    if (errorCodeOf(error) === 'ENOENT') return new Map();
    throw error;
  }
  // Reading is cheap; parsing a large registry is not. Unchanged text = the servers we already know.
  if (known && text === known.text) return known.servers;
  const state = await interpretDiskText(registryPath, text, options);
  return new Map(state.kind === 'missing' ? [] : state.servers.map((server) => [server.name, server]));
}
