import { ConnectorProxyError } from '@cortex-mcp/connector-proxy';
import { ConnectorManagerError } from '../errors.js';

/**
 * Why a forwarded request failed: the `kind` label of `mcp_tool_call_errors_total`, the one vocabulary of the host.
 *
 * - `unavailable`: the connector is down, did not come up in time, or refused the credentials.
 * - `timeout`: the upstream did not answer within the call timeout.
 * - `aborted`: the downstream client cancelled the request.
 * - `upstream_error`: the upstream answered with an error result (`isError: true`).
 * - `protocol`: anything else (an upstream JSON-RPC error, a malformed answer, an unexpected failure).
 * - `circuit_open`: refused at once because the connector's calls keep failing.
 */
export type ForwardedRequestErrorKind =
  | 'unavailable'
  | 'timeout'
  | 'aborted'
  | 'upstream_error'
  | 'protocol'
  | 'circuit_open';

/** Which error kind a thrown forwarding failure is. */
export function classifyForwardingFailure(error: unknown): ForwardedRequestErrorKind {
  if (error instanceof ConnectorManagerError)
    return error.code === 'unavailable' ? 'unavailable' : 'protocol';
  if (error instanceof ConnectorProxyError) {
    switch (error.code) {
      case 'unavailable':
      case 'connect_timeout':
      case 'unauthorized':
        return 'unavailable';
      case 'call_timeout':
        return 'timeout';
      case 'aborted':
        return 'aborted';
      default:
        return 'protocol';
    }
  }
  return 'protocol';
}
