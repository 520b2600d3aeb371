import path from 'node:path';
import { describeError, errorCodeOf, RegistryStoreError } from './errors.js';
import type { RegistryLogger } from './logger.js';
import { type LoadProblem, parseRegistryText } from './registry-file.js';
import type { RegistryFs } from './registry-fs.js';
import { REGISTRY_FILE_VERSION, type ServerInfo } from './schema.js';

/** What is on disk at `registryPath`, after a damaged file has been dealt with. */
export type DiskState =
  | { kind: 'missing' }
  | { kind: 'ok'; text: string; servers: ServerInfo[] }
  | {
      kind: 'damaged';
      servers: ServerInfo[];
      problems: LoadProblem[];
      /** Where the damaged file went, bytes intact; `undefined` when another process moved it first. */
      quarantinedPath: string | undefined;
      /** The backup entries were taken from, when one was usable. */
      restoredFrom: string | undefined;
    };

/** Options for {@link readDiskState}. */
export interface DiskStateOptions {
  fs: RegistryFs;
  clock: () => number;
  logger: RegistryLogger;
}

/** `servers.json.bak`: a copy of the last file a flush wrote. */
export function backupPathFor(registryPath: string): string {
  return `${registryPath}.bak`;
}

/** `servers.json.corrupt-2025-01-02T030405.678Z`: sortable, and free of ':' for Windows and shells. */
export function quarantinePathFor(registryPath: string, nowMs: number): string {
  return `${registryPath}.corrupt-${new Date(nowMs).toISOString().replaceAll(':', '')}`;
}

/**
 * Reads the registry file. A damaged one (empty, truncated, not JSON, wrong shape, invalid or duplicate
 * entries) is renamed to `servers.json.corrupt-<time>` so no flush can overwrite it, and a warning names both
 * files and what was done. Its replacement: a wholly unreadable file is replaced by the backup; a readable one
 * keeps its valid entries, and an invalid entry is replaced by the backup's entry of the same name.
 *
 * @throws RegistryStoreError `unsupported_version` (nothing changed), `read_failed` when a damaged file cannot
 *   be moved aside; the fs error itself when the file cannot be read (ENOENT is `missing`).
 */
export async function readDiskState(registryPath: string, options: DiskStateOptions): Promise<DiskState> {
  let text: string;
  try {
    text = await options.fs.readFile(registryPath, 'utf8');
  } catch (error) {
    if (errorCodeOf(error) === 'ENOENT') return { kind: 'missing' };
    throw error;
  }
  return interpretDiskText(registryPath, text, options);
}

/** {@link readDiskState} for text already read from `registryPath`. */
export async function interpretDiskText(
  registryPath: string,
  text: string,
  options: DiskStateOptions,
): Promise<DiskState> {
  const parsed = parseRegistryText(text);
  if (parsed.kind === 'unsupported_version') throw unsupportedVersion(registryPath, parsed.version);
  if (parsed.kind === 'ok' && parsed.problems.length === 0) {
    return { kind: 'ok', text, servers: parsed.servers };
  }
  const problems = parsed.kind === 'ok' ? parsed.problems : [parsed.problem];
  const quarantinedPath = await quarantine(registryPath, options);
  const backupPath = backupPathFor(registryPath);
  const backup = await readBackup(backupPath, options.fs);
  const kept = parsed.kind === 'ok' ? parsed.servers : [];
  const restored = backup ? restorable(parsed, kept, backup) : [];
  const servers = [...kept, ...restored];
  const restoredFrom = backup && (parsed.kind === 'corrupt' || restored.length > 0) ? backupPath : undefined;
  options.logger.warn(
    {
      registryPath,
      quarantinedPath,
      backupPath: restoredFrom,
      keptEntries: kept.length,
      restoredEntries: restored.length,
      problems: problems.map((problem) => problem.message),
    },
    describeRecovery(registryPath, quarantinedPath, kept.length, restored.length, restoredFrom, backup),
  );
  return { kind: 'damaged', servers, problems, quarantinedPath, restoredFrom };
}

/** The backup's entries, or `undefined` when it is missing, unreadable or not clean (it is then ignored). */
async function readBackup(backupPath: string, fs: RegistryFs): Promise<ServerInfo[] | undefined> {
  try {
    const parsed = parseRegistryText(await fs.readFile(backupPath, 'utf8'));
    return parsed.kind === 'ok' && parsed.problems.length === 0 ? parsed.servers : undefined;
  } catch {
    return undefined;
  }
}

/** A wholly unreadable file: all of the backup. A readable one: the backup's versions of its invalid entries. */
function restorable(
  parsed: ReturnType<typeof parseRegistryText>,
  kept: ServerInfo[],
  backup: ServerInfo[],
): ServerInfo[] {
  if (parsed.kind === 'corrupt') return backup;
  if (parsed.kind !== 'ok') return [];
  const keptNames = new Set(kept.map((server) => server.name));
  const invalidNames = new Set(
    parsed.problems.flatMap((problem) =>
      problem.kind === 'invalid_entry' && problem.name !== undefined ? [problem.name.trim()] : [],
    ),
  );
  return backup.filter((server) => invalidNames.has(server.name) && !keptNames.has(server.name));
}

function describeRecovery(
  registryPath: string,
  quarantinedPath: string | undefined,
  kept: number,
  restored: number,
  restoredFrom: string | undefined,
  backup: ServerInfo[] | undefined,
): string {
  const moved = quarantinedPath ? `moved it to ${quarantinedPath}` : 'another process moved it aside';
  const from = restoredFrom ? ` from the backup ${path.basename(restoredFrom)}` : '';
  const keptPart = kept > 0 ? `kept ${entries(kept)}` : '';
  const restoredPart = restoredFrom ? `restored ${entries(restored)}${from}` : '';
  const outcome = [keptPart, restoredPart].filter(Boolean).join(' and ');
  const noBackup = backup ? '' : ' (no usable backup)';
  return `MCP registry file ${registryPath} was damaged; ${moved} and ${outcome || 'started empty'}${noBackup}`;
}

function entries(count: number): string {
  return `${count} entr${count === 1 ? 'y' : 'ies'}`;
}

/**
 * Moves a damaged registry file aside to `servers.json.corrupt-<time>`, bytes intact. `undefined` when another
 * process moved it first.
 *
 * @throws RegistryStoreError `read_failed` when it cannot be moved (it was left untouched).
 */
export async function quarantine(
  registryPath: string,
  options: DiskStateOptions,
): Promise<string | undefined> {
  const target = quarantinePathFor(registryPath, options.clock());
  try {
    await options.fs.rename(registryPath, target);
    return target;
  } catch (error) {
    // Another process loading the same file moved it first: it is safe, not ours to report.
    if (errorCodeOf(error) === 'ENOENT') return undefined;
    throw new RegistryStoreError(
      'read_failed',
      `Registry file ${registryPath} is damaged and could not be moved aside to ${target} (${describeError(error)}). Fix or move the file by hand; it was left untouched.`,
      { registryPath, cause: error },
    );
  }
}

/** The error for a file written by a newer format version (it is left untouched). */
export function unsupportedVersion(registryPath: string, version: number): RegistryStoreError {
  return new RegistryStoreError(
    'unsupported_version',
    `Registry file ${registryPath} has format version ${version}, newer than this package reads (${REGISTRY_FILE_VERSION}). Upgrade @cortex-mcp/registry-fs-store; the file was left untouched.`,
    { registryPath },
  );
}
