import { isProcessAlive as defaultIsProcessAlive, removeStaleTempFiles } from './atomic-write.js';
import { describeError, errorCodeOf, RegistryStoreError } from './errors.js';
import type { RegistryLogger } from './logger.js';
import { type LoadProblem, parseRegistryText } from './registry-file.js';
import type { RegistryFs } from './registry-fs.js';
import type { ServerInfo } from './schema.js';

/** What {@link loadRegistryFile} found. */
export interface LoadedRegistry {
  servers: ServerInfo[];
  problems: LoadProblem[];
  /** Where a corrupt or partly invalid file was moved, bytes intact. */
  quarantinedPath: string | undefined;
  /** Leftover temp files of dead processes that were deleted. */
  removedTempFiles: string[];
  /** True when valid entries were salvaged from a quarantined file and must be written back. */
  needsRewrite: boolean;
}

/** Options for {@link loadRegistryFile}. */
export interface LoadRegistryOptions {
  fs: RegistryFs;
  clock: () => number;
  logger: RegistryLogger;
  isProcessAlive?: (pid: number) => boolean;
}

/**
 * Reads the registry file for `init()`. A missing file is an empty registry. A file that is not valid
 * JSON, has the wrong shape, or holds invalid entries is renamed to `servers.json.corrupt-<time>` so
 * the next flush cannot overwrite it; its valid entries (if any) are kept.
 *
 * @throws RegistryStoreError `read_failed` when the file cannot be read or moved aside, and
 *   `unsupported_version` when a newer format wrote it. In both cases nothing on disk changes.
 */
export async function loadRegistryFile(
  registryPath: string,
  options: LoadRegistryOptions,
): Promise<LoadedRegistry> {
  const removedTempFiles = await removeStaleTempFiles(registryPath, {
    fs: options.fs,
    isProcessAlive: options.isProcessAlive ?? defaultIsProcessAlive,
  });
  const text = await readIfPresent(registryPath, options.fs);
  const empty: LoadedRegistry = {
    servers: [],
    problems: [],
    quarantinedPath: undefined,
    removedTempFiles,
    needsRewrite: false,
  };
  if (text === undefined) return empty;
  const parsed = parseRegistryText(text);
  if (parsed.kind === 'unsupported_version') {
    throw new RegistryStoreError(
      'unsupported_version',
      `Registry file ${registryPath} has format version ${parsed.version}, newer than this package reads (1). Upgrade @cortex-mcp/registry-fs-store; the file was left untouched.`,
      { registryPath },
    );
  }
  const servers = parsed.kind === 'ok' ? parsed.servers : [];
  const problems = parsed.kind === 'ok' ? parsed.problems : [parsed.problem];
  if (problems.length === 0) return { ...empty, servers };
  const quarantinedPath = await quarantine(registryPath, options);
  options.logger.warn(
    { registryPath, quarantinedPath, problems: problems.map((problem) => problem.message) },
    `MCP registry file had ${problems.length} problem(s); moved it aside and kept ${servers.length} valid entr${servers.length === 1 ? 'y' : 'ies'}`,
  );
  return { servers, problems, quarantinedPath, removedTempFiles, needsRewrite: servers.length > 0 };
}

async function readIfPresent(registryPath: string, fs: RegistryFs): Promise<string | undefined> {
  try {
    return await fs.readFile(registryPath, 'utf8');
  } catch (error) {
    if (errorCodeOf(error) === 'ENOENT') return undefined;
    throw new RegistryStoreError(
      'read_failed',
      `Could not read registry file ${registryPath} (${describeError(error)}). Check that it is a readable file; nothing was changed.`,
      { registryPath, cause: error },
    );
  }
}

/** `servers.json.corrupt-2025-01-02T030405.678Z`: sortable, and free of ':' for Windows and shells. */
export function quarantinePathFor(registryPath: string, nowMs: number): string {
  return `${registryPath}.corrupt-${new Date(nowMs).toISOString().replaceAll(':', '')}`;
}

async function quarantine(registryPath: string, options: LoadRegistryOptions): Promise<string | undefined> {
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
