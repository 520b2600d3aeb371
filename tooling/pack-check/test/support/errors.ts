/** What went wrong while preparing or running a publishing check. */
export type PackCheckErrorCode =
  | 'workspace_not_found'
  | 'command_failed'
  | 'pack_failed'
  | 'unsupported_workspace_glob'
  | 'invalid_changeset';

/**
 * The one error the pack-check helpers throw. `code` says which step failed; the message names the command or file
 * and what to do about it.
 */
export class PackCheckError extends Error {
  override readonly name = 'PackCheckError';
  readonly code: PackCheckErrorCode;

  constructor(code: PackCheckErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
