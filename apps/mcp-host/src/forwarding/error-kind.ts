import { errorCode } from '../errors.js';

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

/**
 * Which error kind a thrown forwarding failure is, by its `code` — the host's error codes mean one thing wherever
 * they are thrown (`ConnectorProxyError`, `ConnectorManagerError`): a connector that is down, did not come up in time
 * or refused the credentials is `unavailable`; an upstream silent past the call timeout is `timeout`; a cancelled
 * request is `aborted`; anything else (an upstream JSON-RPC error, a malformed answer, a configuration problem, an
 * error without a code) is `protocol`. Branching on codes keeps this module free of the connector proxy, so the MCP
 * surface can load it on the start-up path.
 */
export function classifyForwardingFailure(error: unknown): ForwardedRequestErrorKind {
  switch (errorCode(error)) {
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
