import { removeStaleTempFiles } from './atomic-write.js';
import { describeError, errorCodeOf, RegistryStoreError } from './errors.js';
import type { RegistryLogger } from './logger.js';
import { type DiskState, readDiskState } from './registry-disk-state.js';
import type { LoadProblem } from './registry-file.js';
import type { RegistryFs } from './registry-fs.js';
import type { ServerInfo } from './schema.js';

/** What {@link loadRegistryFile} found. */
export interface LoadedRegistry {
  servers: ServerInfo[];
  problems: LoadProblem[];
  /** Where a corrupt or partly invalid file was moved, bytes intact. */
  quarantinedPath: string | undefined;
  /** The backup entries were restored from, if any. */
  restoredFrom: string | undefined;
  /** Leftover temp files of dead processes that were deleted. */
  removedTempFiles: string[];
  /** True when entries exist only in memory (salvaged or restored) and must be written back. */
  needsRewrite: boolean;
  /** True when the file exists but may not be read: the cache must never write over it. */
  readOnly: boolean;
  /** The file's text as read, when it was clean: a flush that finds it unchanged skips parsing it again. */
  cleanText: string | undefined;
}

/** Options for {@link loadRegistryFile}. */
export interface LoadRegistryOptions {
  fs: RegistryFs;
  clock: () => number;
  logger: RegistryLogger;
  isProcessAlive: (pid: number) => boolean;
  staleTempFileMs: number;
}

/** Permission errors: the file is there, we may not read it. */
const READ_ONLY_CODES = new Set(['EACCES', 'EPERM']);

/**
 * Reads the registry file for `init()`. A missing file is an empty registry; a damaged one is moved aside and
 * replaced from the backup where possible (see `readDiskState`). A file we may not read (EACCES, EPERM) puts
 * the cache in read-only mode: it starts empty, says so once, and never writes, so it cannot replace a file
 * it has not seen. Leftover temp files are cleaned up unless read-only.
 *
 * @throws RegistryStoreError `read_failed` when the file cannot be read for another reason or cannot be moved
 *   aside, and `unsupported_version` when a newer format wrote it. In both cases nothing on disk changes.
 */
export async function loadRegistryFile(
  registryPath: string,
  options: LoadRegistryOptions,
): Promise<LoadedRegistry> {
  let state: DiskState;
  try {
    state = await readDiskState(registryPath, options);
  } catch (error) {
    if (error instanceof RegistryStoreError) throw error;
    if (READ_ONLY_CODES.has(errorCodeOf(error) ?? '')) return readOnlyRegistry(registryPath, error, options);
    throw new RegistryStoreError(
      'read_failed',
      `Could not read registry file ${registryPath} (${describeError(error)}). Check that it is a readable file; nothing was changed.`,
      { registryPath, cause: error },
    );
  }
  const removedTempFiles = await removeStaleTempFiles(registryPath, options);
  const loaded: LoadedRegistry = {
    servers: [],
    problems: [],
    quarantinedPath: undefined,
    restoredFrom: undefined,
    removedTempFiles,
    needsRewrite: false,
    readOnly: false,
    cleanText: undefined,
  };
  if (state.kind === 'missing') return loaded;
  if (state.kind === 'ok') return { ...loaded, servers: state.servers, cleanText: state.text };
  return {
    ...loaded,
    servers: state.servers,
    problems: state.problems,
    quarantinedPath: state.quarantinedPath,
    restoredFrom: state.restoredFrom,
    // Salvaged and restored entries exist only in memory now (their file was moved aside).
    needsRewrite: state.servers.length > 0,
  };
}

function readOnlyRegistry(
  registryPath: string,
  error: unknown,
  options: LoadRegistryOptions,
): LoadedRegistry {
  const errorCode = errorCodeOf(error);
  options.logger.warn(
    { registryPath, errorCode },
    `Cannot read the MCP registry file ${registryPath} (${errorCode}); running read-only: its servers are not loaded, and changes stay in memory and are never written. Fix the file's permissions and restart.`,
  );
  return {
    servers: [],
    problems: [{ kind: 'unreadable_file', message: `registry file cannot be read (${errorCode})` }],
    quarantinedPath: undefined,
    restoredFrom: undefined,
    removedTempFiles: [],
    needsRewrite: false,
    readOnly: true,
    cleanText: undefined,
  };
}
