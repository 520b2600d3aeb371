import type { UpstreamLogEntry } from '@cortex-mcp/connector-proxy';
import type { StartupLogger } from './startup/index.js';

/** MCP's syslog severities as the host's log levels. */
const HOST_LEVEL: Record<UpstreamLogEntry['level'], 'debug' | 'info' | 'warn' | 'error'> = {
  debug: 'debug',
  info: 'info',
  notice: 'info',
  warning: 'warn',
  error: 'error',
  critical: 'error',
  alert: 'error',
  emergency: 'error',
};

/**
 * Writes an upstream `notifications/message` that belongs to no client's request to the host's own log, at the
 * matching level. No client receives it: the host cannot tell whose it is, and one client's data must never reach
 * another.
 */
export function logUpstreamMessage(
  logger: StartupLogger,
  connectorId: string,
  entry: UpstreamLogEntry,
): void {
  const fields = {
    connectorId,
    upstreamLevel: entry.level,
    ...(entry.logger === undefined ? {} : { upstreamLogger: entry.logger }),
    data: entry.data,
    related: entry.related,
  };
  logger[HOST_LEVEL[entry.level]](fields, 'upstream log message');
}
