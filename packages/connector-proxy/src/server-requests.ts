import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  ErrorCode,
  type JSONRPCRequest,
  type ListRootsResult,
  type Result,
} from '@modelcontextprotocol/sdk/types.js';
import type { CallHandlers, ServerRequestContext } from './relay-types.js';

/** How a proxy answers server→client requests that belong to no forwarded request. */
export interface ServerRequestRouting {
  connectorId: string;
  /** Answers a `roots/list` that belongs to no forwarded request. */
  onRootsList?: (context: ServerRequestContext) => Promise<ListRootsResult>;
  warn(fields: object, message: string): void;
  /** Runs a caller's callback so that a throw is logged, not thrown. */
  guard(name: string, run: () => void): void;
}

/**
 * A JSON-RPC error the proxy answers a server→client request with. Not an `McpError`: the SDK sends a handler's
 * `message` as the error's message, and McpError's carries an "MCP error <code>: " prefix the upstream adds again.
 */
class ServerRequestRefusal extends Error {
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.name = 'ServerRequestRefusal';
    this.code = code;
  }
}

type Extra = Pick<RequestHandlerExtra<never, never>, 'signal'>;

/**
 * Answers one server→client request: with the `onRequest` of the call it belongs to, or, when it belongs to none,
 * `roots/list` with the proxy's `onRootsList`, and anything else with a JSON-RPC error (-32603) saying the proxy
 * cannot tell which client it is for. A call that gave no `onRequest` refuses with -32601.
 */
export async function serveServerRequest(
  routing: ServerRequestRouting,
  request: JSONRPCRequest,
  handlers: CallHandlers | undefined,
  extra: Extra,
): Promise<Result> {
  const { method, params } = request;
  const context: ServerRequestContext = { signal: extra.signal };
  if (handlers) {
    if (!handlers.onRequest) {
      throw new ServerRequestRefusal(
        ErrorCode.MethodNotFound,
        `the caller of this request takes no ${method}`,
      );
    }
    return handlers.onRequest({ method, ...(params ? { params } : {}) }, context);
  }
  if (method === 'roots/list' && routing.onRootsList) return routing.onRootsList(context);
  routing.warn({ method }, 'refused a server→client request that belongs to no forwarded request');
  throw new ServerRequestRefusal(
    ErrorCode.InternalError,
    `connector proxy "${routing.connectorId}" cannot tell which client this ${method} is for: it was sent outside any forwarded request, or while several were in flight on a transport without per-request streams`,
  );
}
