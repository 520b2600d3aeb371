import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Paths of log fields that may carry secrets; pino replaces their values before anything is written. */
export const REDACTED_LOG_PATHS = [
  'signatureKey',
  'signatureKeys',
  'apiKey',
  'headers.authorization',
  'headers.Authorization',
  '*.signatureKey',
  '*.signatureKeys',
  '*.apiKey',
  '*.headers',
  '*.env',
];

/**
 * The host's logger: pino JSON lines on stderr — never stdout, which carries the MCP protocol in stdio mode.
 * Secrets are redacted by path as a second line of defence; code must not log them in the first place.
 */
export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      name: 'mcp-host',
      level: options.level ?? 'info',
      redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
    },
    (options.destination ?? pino.destination({ fd: 2, sync: false })) as pino.DestinationStream,
  );
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
