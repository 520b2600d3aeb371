import { describeError, errorCodeOf } from './errors.js';
import type { RegistryLogger } from './logger.js';
import type { FlushReport } from './registry-cache-options.js';

/**
 * Turns flush outcomes into log lines and `onFlush` calls. A failing disk must not flood the log every
 * tick: one `warn` per failure streak, `debug` for the repeats, one `info` when a write succeeds again.
 * The backup has its own streak, because the registry may be written while its backup is not.
 */
export class FlushReporter {
  private failureStreak = 0;
  private backupFailureStreak = 0;

  constructor(
    private readonly registryPath: string,
    private readonly logger: RegistryLogger,
    private readonly onFlush: ((report: FlushReport) => void) | undefined,
  ) {}

  /** A flush failed; the changes stay dirty in memory. */
  failure(error: unknown): void {
    this.failureStreak++;
    const fields = {
      registryPath: this.registryPath,
      errorCode: errorCodeOf(error),
      error: describeError(error),
    };
    if (this.failureStreak === 1) {
      this.logger.warn(fields, 'Could not flush the MCP registry; keeping changes in memory and retrying');
    } else {
      this.logger.debug?.(
        { ...fields, failedAttempts: this.failureStreak },
        'MCP registry flush still failing',
      );
    }
  }

  /** A flush wrote the registry; `backupError` says whether its backup copy failed. */
  success(report: FlushReport, backupPath: string, backupError: unknown): void {
    if (this.failureStreak > 0) {
      this.logger.info?.(
        { registryPath: this.registryPath, failedAttempts: this.failureStreak },
        'MCP registry flush recovered',
      );
      this.failureStreak = 0;
    }
    this.backupOutcome(backupPath, backupError);
    try {
      this.onFlush?.(report);
    } catch (error) {
      this.logger.warn({ error: describeError(error) }, 'onFlush callback threw; ignored');
    }
  }

  private backupOutcome(backupPath: string, backupError: unknown): void {
    if (backupError === undefined) {
      this.backupFailureStreak = 0;
      return;
    }
    if (++this.backupFailureStreak > 1) return;
    this.logger.warn(
      { registryPath: this.registryPath, backupPath, errorCode: errorCodeOf(backupError) },
      `Could not write the MCP registry backup ${backupPath} (${describeError(backupError)}); the registry itself was saved`,
    );
  }
}
