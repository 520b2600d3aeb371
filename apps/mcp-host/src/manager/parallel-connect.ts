import { ConnectorProxyError } from '@cortex-mcp/connector-proxy';
import pLimit from 'p-limit';
import { ConnectorManagerError, describeFailure } from '../errors.js';
import { AdaptiveLimiter } from './adaptive-limit.js';
import type { ManagedConnector } from './managed-connector.js';
import type { ResolvedManagerOptions } from './options.js';

/** What the connect phase reports for the sync summary. */
export interface ConnectPhaseResult {
  /** Fixed mode: the limit that applied (at most the number of connects). Adaptive: the most connects at once. */
  readonly parallelism: number;
}

/**
 * Step 5 of the sync pipeline: connects `connectors` under the configured limit (p-limit in fixed mode, an
 * {@link AdaptiveLimiter} in adaptive mode) with `Promise.allSettled`, counting and logging each failure.
 * `isClosing()` turns connects that have not started yet into no-ops once the manager shuts down.
 */
export async function connectAll(
  connectors: readonly ManagedConnector[],
  options: ResolvedManagerOptions,
  isClosing: () => boolean,
): Promise<ConnectPhaseResult> {
  const connectOne = withProgress(
    (connector: ManagedConnector) => (isClosing() ? undefined : connector.connect()),
    connectors.length,
    options,
    isClosing,
  );
  let results: PromiseSettledResult<void>[];
  let parallelism: number;
  if (options.concurrencyMode === 'adaptive') {
    const limiter = adaptiveLimiterFor(options);
    results = await Promise.allSettled(
      connectors.map((connector) => limiter.run(() => connectOne(connector))),
    );
    const stats = limiter.stats();
    parallelism = stats.peakActive;
    options.logger.debug?.(
      {
        concurrencyMode: 'adaptive',
        floor: options.concurrencyMin,
        ceiling: options.concurrencyMax,
        connects: connectors.length,
        peakInFlight: stats.peakActive,
        peakLimit: stats.peakLimit,
        finalLimit: stats.limit,
        grows: stats.grows,
        shrinks: stats.shrinks,
      },
      'adaptive connect limit',
    );
  } else {
    const limit = pLimit(options.concurrency);
    results = await Promise.allSettled(connectors.map((connector) => limit(() => connectOne(connector))));
    parallelism = Math.min(options.concurrency, connectors.length);
  }
  reportFailures(connectors, results, options, isClosing());
  return { parallelism };
}

/**
 * Wraps one connect so that its settling is reported to `options.onConnectProgress` (when set), counting settled
 * connects. The connect's own outcome passes through unchanged.
 */
function withProgress(
  connectOne: (connector: ManagedConnector) => Promise<void> | undefined,
  total: number,
  options: ResolvedManagerOptions,
  isClosing: () => boolean,
): (connector: ManagedConnector) => Promise<void> | undefined {
  const onProgress = options.onConnectProgress;
  if (onProgress === undefined) return connectOne;
  let done = 0;
  const report = (connectorId: string, error: unknown, ok: boolean) => {
    if (isClosing()) return;
    done += 1;
    try {
      onProgress(
        ok
          ? { done, total, connectorId, ok }
          : { done, total, connectorId, ok, error: describeFailure(error) },
      );
    } catch (reportError) {
      options.logger.debug?.({ err: describeFailure(reportError) }, 'connect progress callback threw');
    }
  };
  return async (connector) => {
    try {
      await connectOne(connector);
    } catch (error) {
      report(connector.id, error, false);
      throw error;
    }
    report(connector.id, undefined, true);
  };
}

function adaptiveLimiterFor(options: ResolvedManagerOptions): AdaptiveLimiter {
  const tuning = options.adaptiveConcurrency;
  return new AdaptiveLimiter({
    floor: options.concurrencyMin,
    ceiling: options.concurrencyMax,
    initial: options.concurrency,
    sampleIntervalMs: tuning?.sampleIntervalMs,
    busyThreshold: tuning?.busyThreshold,
    loadProbe: tuning?.loadProbe,
    isCongestion: isCongestionFailure,
    timers: options.timers,
  });
}

/**
 * A connect failure that says the path to the upstreams is slow or overloaded (timeouts, unreachable) and so
 * should lower the limit — unlike a configuration problem (missing key or endpoint, 401/403, a protocol error),
 * which more or less parallelism would not change.
 */
export function isCongestionFailure(error: unknown): boolean {
  if (error instanceof ConnectorManagerError) return false;
  if (error instanceof ConnectorProxyError) {
    return error.code === 'connect_timeout' || error.code === 'call_timeout' || error.code === 'unavailable';
  }
  return true;
}

function reportFailures(
  connectors: readonly ManagedConnector[],
  results: readonly PromiseSettledResult<void>[],
  options: ResolvedManagerOptions,
  closing: boolean,
): void {
  if (closing) return;
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const connector = connectors[index] as ManagedConnector;
    options.metrics.connectFailures.inc({ connector_id: connector.id });
    options.logger.warn(
      { connectorId: connector.id, err: describeFailure(result.reason) },
      'connector failed to connect',
    );
  });
}
