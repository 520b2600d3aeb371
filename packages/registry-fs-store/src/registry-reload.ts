import { describeError, errorCodeOf, RegistryStoreError } from './errors.js';
import { type DiskStateOptions, quarantine, unsupportedVersion } from './registry-disk-state.js';
import { parseRegistryText, sameServer } from './registry-file.js';
import type { KnownFile } from './registry-flush.js';
import type { ServerInfo } from './schema.js';

/** What {@link rereadRegistryFile} found on disk. */
export type RereadFile =
  /** The text this process last read or wrote: nothing to adopt. */
  | { kind: 'unchanged' }
  /** Deleted: an empty registry, as `init()` reads a missing file. */
  | { kind: 'missing' }
  | { kind: 'ok'; file: KnownFile }
  /** Damaged, and moved aside (`undefined`: another process moved it first); the caller keeps what it holds. */
  | { kind: 'damaged'; quarantinedPath: string | undefined };

/**
 * Reads the registry file again for `reload()`. Text equal to `known` is not parsed. A damaged file is moved aside
 * to `servers.json.corrupt-<time>` as `init()` does, and a warning names both files; unlike `init()` nothing is
 * taken from the backup: the caller's `heldEntries` are the last good file it read, newer than the backup (a hand
 * edit does not update the backup), and the caller writes them back.
 *
 * @throws RegistryStoreError `read_failed` (the file cannot be read, or cannot be moved aside), `unsupported_version`.
 */
export async function rereadRegistryFile(
  registryPath: string,
  known: KnownFile | undefined,
  heldEntries: number,
  options: DiskStateOptions,
): Promise<RereadFile> {
  let text: string;
  try {
    text = await options.fs.readFile(registryPath, 'utf8');
  } catch (error) {
    if (errorCodeOf(error) === 'ENOENT') return { kind: 'missing' };
    throw new RegistryStoreError(
      'read_failed',
      `Could not read registry file ${registryPath} again (${describeError(error)}). The servers read before are kept; check that it is a readable file.`,
      { registryPath, cause: error },
    );
  }
  if (known && text === known.text) return { kind: 'unchanged' };
  const parsed = parseRegistryText(text);
  if (parsed.kind === 'unsupported_version') throw unsupportedVersion(registryPath, parsed.version);
  if (parsed.kind === 'ok' && parsed.problems.length === 0) {
    const servers = new Map<string, ServerInfo>(parsed.servers.map((server) => [server.name, server]));
    return { kind: 'ok', file: { text, servers } };
  }
  const problems = parsed.kind === 'ok' ? parsed.problems : [parsed.problem];
  const quarantinedPath = await quarantine(registryPath, options);
  const moved = quarantinedPath ? `moved it to ${quarantinedPath}` : 'another process moved it aside';
  options.logger.warn(
    {
      registryPath,
      quarantinedPath,
      keptEntries: heldEntries,
      problems: problems.map((problem) => problem.message),
    },
    `MCP registry file ${registryPath} changed on disk and is damaged; ${moved} and kept the ${heldEntries} entr${heldEntries === 1 ? 'y' : 'ies'} read before, written back now`,
  );
  return { kind: 'damaged', quarantinedPath };
}

/**
 * Takes the file's entries into `held` (others' changes included), except the names in `pending` (changed here and
 * not yet written); returns whether any entry changed.
 */
export function adoptEntries(
  held: Map<string, ServerInfo>,
  pending: ReadonlyMap<string, unknown>,
  onDisk: ReadonlyMap<string, ServerInfo>,
): boolean {
  let changed = false;
  for (const name of [...held.keys()]) {
    if (onDisk.has(name) || pending.has(name)) continue;
    held.delete(name);
    changed = true;
  }
  for (const [name, server] of onDisk) {
    if (pending.has(name)) continue;
    const before = held.get(name);
    if (before === undefined || !sameServer(before, server)) changed = true;
    held.set(name, server);
  }
  return changed;
}
