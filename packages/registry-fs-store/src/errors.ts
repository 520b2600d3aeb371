/**
 * Stable error codes callers can branch on:
 * - `invalid_server`: an entry failed validation (the message names the field).
 * - `read_failed`: the registry file exists but could not be read (permissions, not a file).
 * - `unsupported_version`: the file was written by a newer format version; it is left untouched.
 * - `write_failed`: a flush could not write, sync or rename the file; the data stays in memory, dirty.
 * - `lock_timeout`: another process held the registry lock for longer than `lockTimeoutMs`; the data stays dirty.
 * - `read_only`: the file could not be read at `init()`, so the cache never writes; unsaved changes exist.
 * - `not_initialized`: the cache was used before `init()` resolved.
 * - `closed`: the cache was changed after `close()`.
 * - `invalid_options`: the constructor got an unusable option (empty path, negative interval or timeout).
 */
export type RegistryStoreErrorCode =
  | 'invalid_server'
  | 'read_failed'
  | 'unsupported_version'
  | 'write_failed'
  | 'lock_timeout'
  | 'read_only'
  | 'not_initialized'
  | 'closed'
  | 'invalid_options';

/** Options for {@link RegistryStoreError}. */
export interface RegistryStoreErrorOptions {
  /** The registry file the operation was about. */
  registryPath?: string;
  /** The underlying error (an fs error, a zod error). */
  cause?: unknown;
}

/** The one error class of this package. Messages never contain entry contents (env, headers may hold secrets). */
export class RegistryStoreError extends Error {
  override readonly name = 'RegistryStoreError';
  /** What went wrong, as a stable code. */
  readonly code: RegistryStoreErrorCode;
  /** The registry file involved, when there is one. */
  readonly registryPath: string | undefined;

  constructor(code: RegistryStoreErrorCode, message: string, options: RegistryStoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.registryPath = options.registryPath;
  }
}

/** Reads `err.code` from a Node.js system error without trusting its shape. */
export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** A short, secret-free description of an error for logs and messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** `read_only`: changes that this cache, unable to read its file at start-up, will never write. */
export function readOnlyError(registryPath: string, pendingChanges: number): RegistryStoreError {
  return new RegistryStoreError(
    'read_only',
    `MCP registry ${registryPath} could not be read at start-up, so this cache never writes it; ${pendingChanges} change(s) exist only in memory. Fix the file's permissions and restart.`,
    { registryPath },
  );
}

/** `closed`: a change or `init()` after `close()`. */
export function closedError(registryPath: string): RegistryStoreError {
  return new RegistryStoreError(
    'closed',
    `RegistryMemoryCache for ${registryPath} is closed; create a new one to make changes.`,
    { registryPath },
  );
}

/** `not_initialized`: the cache was used before `init()` resolved. */
export function notInitializedError(registryPath: string): RegistryStoreError {
  return new RegistryStoreError(
    'not_initialized',
    `RegistryMemoryCache for ${registryPath} was used before init() resolved; await init() first.`,
    { registryPath },
  );
}

/** `write_failed`: a flush could not write; the changes stay in memory, dirty. */
export function writeFailedError(registryPath: string, cause: unknown): RegistryStoreError {
  return new RegistryStoreError(
    'write_failed',
    `Could not write MCP registry ${registryPath} (${describeError(cause)}). The changes are kept in memory and retried on the next flush; make sure the directory is writable and the disk has space.`,
    { registryPath, cause },
  );
}
