import { readFile, stat } from 'node:fs/promises';
import { writeFileAtomic } from '../atomic-file.js';
import { type ApiKeyEntry, type KeysFile, keysFileSchema } from './api-keys.js';

/** Why a keys file cannot be used; the message names the file and what to do. */
export class KeysFileError extends Error {
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeysFileError';
    this.path = path;
  }
}

/**
 * Reads the keys file at `path`. A missing file holds no key. The file is JSON: `{ "version": 1, "keys": [ { name,
 * hash: "sha256:<hex>", scopes, createdAt } ] }`; it holds hashes only, never keys.
 *
 * @throws {KeysFileError} when it cannot be read or is not a keys file (nothing is guessed: a host that cannot read
 *   its keys must not start open).
 */
export async function readKeysFile(path: string): Promise<KeysFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, keys: [] };
    throw new KeysFileError(path, `Cannot read the keys file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new KeysFileError(
      path,
      `The keys file ${path} is not JSON (${(error as Error).message}). Fix or remove it, then add keys with "mcp-host keys add".`,
      { cause: error },
    );
  }
  const parsed = keysFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new KeysFileError(
      path,
      `The keys file ${path} is not a keys file${where}: ${issue?.message ?? 'invalid'}. Fix or remove it, then add keys with "mcp-host keys add".`,
    );
  }
  const names = new Set<string>();
  for (const entry of parsed.data.keys) {
    if (names.has(entry.name))
      throw new KeysFileError(path, `The keys file ${path} names the key "${entry.name}" twice; remove one.`);
    names.add(entry.name);
  }
  return parsed.data;
}

/** Writes the keys file atomically, readable by its owner only (0600). */
export async function writeKeysFile(path: string, keys: readonly ApiKeyEntry[]): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify({ version: 1, keys }, null, 2)}\n`, 0o600);
}

/** Whether group or others may read the file (its mode allows more than its owner): worth a warning. */
export async function isReadableByOthers(path: string): Promise<boolean> {
  try {
    return ((await stat(path)).mode & 0o077) !== 0;
  } catch {
    return false;
  }
}
