import { promises as nodeFs } from 'node:fs';

/** The part of a `node:fs/promises` `FileHandle` the store uses. */
export interface RegistryFileHandle {
  writeFile(data: string, encoding: 'utf8'): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The file-system calls the store makes, shaped like `node:fs/promises` so the real module fits as is.
 * Tests pass a wrapper over the real module to pause or fail single calls.
 */
export interface RegistryFs {
  open(path: string, flags: string, mode?: number): Promise<RegistryFileHandle>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  rename(oldPath: string, newPath: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string, options: { recursive: true; mode?: number }): Promise<string | undefined>;
  readdir(path: string): Promise<string[]>;
  /**
   * Optional: the age of a leftover temp file or lock (`mtimeMs`). Without it, leftovers are judged by their
   * writer's pid only, and a lock with unreadable contents by how long this process has seen it.
   */
  stat?(path: string): Promise<{ mtimeMs: number }>;
  /**
   * Optional: a hard link, which fails with EEXIST when `newPath` exists. With it the lock file appears with its
   * contents in one step, so a crash can never leave an empty lock behind; without it the lock is created
   * empty with `wx` and then filled.
   */
  link?(existingPath: string, newPath: string): Promise<void>;
}

/** The real file system. */
export const nodeRegistryFs: RegistryFs = nodeFs;
