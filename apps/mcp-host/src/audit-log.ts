import { createWriteStream } from 'node:fs';
import type { AuditEntry, AuditSink } from './server/index.js';
import type { StartupLogger } from './startup/index.js';

/** An audit log the host writes to, and closes at shutdown. */
export interface AuditLog {
  readonly sink: AuditSink;
  close(): Promise<void>;
}

/**
 * The audit log `setting` names: `off` (none), `log` (one `forwarded request` line per request in the host's log, at
 * info), or a file (JSON lines appended, mode 0600). A file that cannot keep up is not allowed to grow the host's
 * memory: while its stream is backed up, entries are dropped and counted (a warning says so, once per streak); a file
 * that fails stops the audit with a warning, never the host.
 */
export function openAuditLog(setting: string, logger: StartupLogger): AuditLog | undefined {
  if (setting === 'off') return undefined;
  if (setting === 'log') {
    return { sink: (entry) => logger.info({ audit: entry }, 'forwarded request'), close: async () => {} };
  }
  const stream = createWriteStream(setting, { flags: 'a', mode: 0o600 });
  let failed = false;
  let dropped = 0;
  stream.on('error', (error) => {
    failed = true;
    logger.warn(
      { auditLog: setting, err: error.message },
      'the audit log cannot be written; auditing stopped',
    );
  });
  stream.on('drain', () => {
    if (dropped > 0)
      logger.warn({ auditLog: setting, dropped }, 'the audit log fell behind; entries were dropped');
    dropped = 0;
  });
  const sink = (entry: AuditEntry) => {
    if (failed) return;
    if (stream.writableNeedDrain) {
      dropped += 1;
      return;
    }
    stream.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  };
  const close = () =>
    new Promise<void>((resolve) => {
      if (failed || stream.closed) resolve();
      else stream.end(() => resolve());
    });
  return { sink, close };
}
