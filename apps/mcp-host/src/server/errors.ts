/** Stable codes of {@link HostServerError}. */
export type HostServerErrorCode = 'invalid_options' | 'listen_failed' | 'closed' | 'undeliverable';

/**
 * The one error the downstream server throws itself (protocol errors go to clients as JSON-RPC errors instead).
 *
 * - `invalid_options`: an option is out of range (port, host list, timeout); the message names it.
 * - `listen_failed`: the HTTP server could not bind (port in use, address not available); `cause` has the
 *   system error.
 * - `closed`: a session was opened on a surface that was already closed.
 * - `undeliverable`: the SDK server sent an answer, or a message related to a request, that is no longer open on
 *   its HTTP session (already answered, cancelled by the client, or never received). The SDK reports it through
 *   the session's `onerror`; the host logs it at debug level.
 */
export class HostServerError extends Error {
  override readonly name = 'HostServerError';

  constructor(
    readonly code: HostServerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
