import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { toRequestError } from './error-mapping.js';
import { type ResultCheck, requestPassThrough } from './pass-through.js';
import type { CallHandlers } from './relay-types.js';
import type { UpstreamConnection } from './upstream-connection.js';
import { requireFeature, type UpstreamFeature } from './upstream-features.js';

/** Per-request options of {@link RemoteToolProxy.callTool} and every other forwarded request. */
export interface CallToolOptions extends CallHandlers {
  /** Aborting it cancels the request: the upstream gets `notifications/cancelled`. */
  signal?: AbortSignal;
  /** Receives the upstream's `notifications/progress` for this request. Each one restarts the timeout. */
  onProgress?: (progress: Progress) => void;
  /** Timeout without an answer (or progress), in ms. Default: the proxy's `callTimeoutMs`. */
  timeoutMs?: number;
}

/** One request to forward to the upstream. */
export interface ForwardedRequest<T> {
  method: string;
  params: Record<string, unknown>;
  /** The SDK schema the answer must satisfy; the answer is returned as sent. */
  check: ResultCheck<T>;
  /** Names the request in error messages, e.g. `resources/read "file:///a"`. */
  what: string;
  /** The capability the upstream must advertise, if any. */
  needs?: UpstreamFeature;
}

/**
 * Sends one request on the live session, as every forwarded request goes: the caller's signal cancels it upstream,
 * progress reaches `onProgress` and restarts the timeout, the upstream's logs and server→client requests about it
 * reach `onLog` and `onRequest`, the answer comes back as the upstream sent it, and a
 * failure is mapped to a {@link ConnectorProxyError} after checking whether it means a lost connection.
 *
 * @throws {ConnectorProxyError} `unavailable` at once when not connected; `unsupported` when the upstream lacks
 *   `needs`; `aborted`, `call_timeout`, `protocol`, `unauthorized` or `unavailable` when the request fails.
 */
export async function forwardRequest<T extends object>(
  connection: UpstreamConnection,
  callTimeoutMs: number,
  request: ForwardedRequest<T>,
  options: CallToolOptions = {},
): Promise<T> {
  const session = connection.requireSession();
  const connectorId = connection.id;
  if (request.needs) {
    requireFeature(connectorId, session.client.getServerCapabilities(), request.needs, request.what);
  }
  const { signal, onProgress, onLog, onRequest } = options;
  try {
    return await connection.relay.run({ onLog, onRequest }, () =>
      requestPassThrough(session.client, { method: request.method, params: request.params }, request.check, {
        signal,
        timeout: options.timeoutMs ?? callTimeoutMs,
        onprogress: onProgress,
        resetTimeoutOnProgress: true,
      }),
    );
  } catch (error) {
    connection.afterRequestFailure(session, error, signal);
    throw toRequestError(connectorId, request.what, error, signal);
  }
}
