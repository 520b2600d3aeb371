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
}

/** The real file system. */
export const nodeRegistryFs: RegistryFs = nodeFs;
