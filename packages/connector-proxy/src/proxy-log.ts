import { describeError } from './errors.js';
import type { ResolvedOptions } from './options.js';

/** A log level the proxy writes its own events at. */
export type ProxyLogLevel = 'debug' | 'info' | 'warn';

/** Writes one line to the proxy's logger, tagged with the connector id. */
export function proxyLog(
  options: Pick<ResolvedOptions, 'id' | 'logger'>,
  level: ProxyLogLevel,
  fields: object,
  message: string,
): void {
  options.logger?.[level]?.({ connectorId: options.id, ...fields }, message);
}

/**
 * Runs a caller's callback (`onToolsChanged`, `onResourceUpdated`, ...) so that a throw is logged, never thrown
 * into the proxy's own machinery.
 */
export function runCallback(
  options: Pick<ResolvedOptions, 'id' | 'logger'>,
  name: string,
  run: () => void,
): void {
  try {
    run();
  } catch (error) {
    proxyLog(options, 'warn', { callback: name, err: describeError(error) }, 'a proxy callback threw');
  }
}
