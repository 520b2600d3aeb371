import type { ToolCallContext } from '@cortex-mcp/tool-registry';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { upstreamErrorAnswer } from '../../forwarding/index.js';
import type { CatalogueSource, HostServerLogger, UpstreamRouter } from '../types.js';
import type { AuditSink, ForwardTarget } from './audit.js';
import type { ClientLink } from './client-relay.js';
import type { InFlightCalls } from './in-flight-calls.js';
import type { SubscriptionBook } from './subscriptions.js';
import { type Extra, runClientRequest } from './tool-call.js';
import type { PublicUri } from './uri-rewriting.js';

/** What the handlers of resources, prompts and completion share, across every session of one surface. */
export interface CatalogueRouting {
  readonly catalogue: CatalogueSource;
  readonly upstream: UpstreamRouter;
  readonly subscriptions: SubscriptionBook;
  readonly calls: InFlightCalls;
  readonly isDraining: () => boolean;
  readonly logger: HostServerLogger;
  /** The session's way back to its client. Per session. */
  readonly client?: ClientLink;
  readonly audit?: AuditSink | undefined;
  readonly subject?: string | undefined;
}

/** `-32002`: the code MCP 2025-11-25 names for a resource that does not exist. */
export const RESOURCE_NOT_FOUND = -32002;

/**
 * Runs one request forwarded to connector `connectorId` as a tool call runs: refused while draining, counted in
 * flight, with the client's cancellation and (when it asked) progress; a failure becomes the JSON-RPC error
 * `upstreamErrorAnswer` names (an upstream's own error keeps its code).
 */
export async function forwardToConnector<T>(
  routing: CatalogueRouting,
  extra: Extra,
  request: ForwardTarget,
  run: (context: ToolCallContext) => Promise<T>,
): Promise<T> {
  const what = request.name === undefined ? request.method : `${request.method} "${request.name}"`;
  if (routing.isDraining()) {
    throw new McpError(
      ErrorCode.InternalError,
      `The host is shutting down and accepts no new requests; send ${what} again once it is back.`,
    );
  }
  return runClientRequest(routing, extra, request, async (context) => {
    try {
      return await run(context);
    } catch (error) {
      throw upstreamErrorAnswer(error, request.connectorId, what);
    }
  });
}

/** The URI rewriting for answers of `connectorId`. */
export function publicUriOf(catalogue: CatalogueSource, connectorId: string): PublicUri {
  return (uri) => catalogue.publicResourceUri(connectorId, uri);
}

/** `params[name]` when it is a non-empty string, else an InvalidParams error naming the member. */
export function requiredString(params: unknown, name: string, method: string): string {
  const value = (params as Record<string, unknown> | undefined)?.[name];
  if (typeof value === 'string' && value !== '') return value;
  throw new McpError(ErrorCode.InvalidParams, `${method} needs params.${name}, a non-empty string.`);
}
