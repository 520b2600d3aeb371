import type { ToolCallContext, ToolCallLog, ToolCallRequest } from '@cortex-mcp/tool-registry';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  type ClientCapabilities,
  ErrorCode,
  type LoggingLevel,
  LoggingLevelSchema,
  McpError,
  ResultSchema,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { URL_ELICITATION_REQUIRED } from '../../forwarding/index.js';
import type { HostServerLogger } from '../types.js';
import type { ElicitationBook } from './elicitations.js';

/** What the SDK hands a request handler besides the request. */
type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Any result object, every member kept: the client's answer goes back upstream as it was sent. */
const AnyResultSchema = ResultSchema.omit({ _meta: true });

/** Syslog severities in MCP's order: a message is sent when it is at least the session's level. */
const SEVERITY: ReadonlyMap<string, number> = new Map(
  LoggingLevelSchema.options.map((level, rank) => [level, rank]),
);

/** What every session's link shares (one per surface). */
export interface ClientLinkOptions {
  /** How long a relayed request waits for the client's answer, in ms. */
  readonly requestTimeoutMs: number;
  readonly logger: HostServerLogger;
  /** Where URL-mode elicitations are noted, so their completion finds this session. */
  readonly elicitations: ElicitationBook;
}

/**
 * One client session as its calls' upstreams reach it: its log level (`logging/setLevel`), the connectors its
 * requests went to (they hear `notifications/roots/list_changed`), and, per request, the way back to the client for
 * the upstream's log messages and server→client requests — always on that request's own response stream.
 */
export class ClientLink {
  readonly server: Server;
  readonly #options: ClientLinkOptions;
  #minimumSeverity = 0;
  readonly #connectors = new Set<string>();

  constructor(server: Server, options: ClientLinkOptions) {
    this.server = server;
    this.#options = options;
  }

  /** `logging/setLevel`: messages below `level` are not sent to this client. */
  setLevel(level: LoggingLevel): void {
    this.#minimumSeverity = SEVERITY.get(level) ?? 0;
  }

  /** The connectors this session's requests went to. */
  get connectors(): ReadonlySet<string> {
    return this.#connectors;
  }

  /**
   * A `tools/call` of this client failed with `-32042` (URL elicitation required): its `data.elicitations` name the
   * URL-mode elicitations the client is to open, whose completion must find this session.
   */
  noteRequiredElicitations(connectorId: string, error: unknown): void {
    if (!(error instanceof McpError) || error.code !== URL_ELICITATION_REQUIRED) return;
    const listed = (error.data as { elicitations?: unknown } | undefined)?.elicitations;
    for (const item of Array.isArray(listed) ? listed : []) {
      const id = (item as { elicitationId?: unknown } | null)?.elicitationId;
      if (typeof id === 'string') this.#options.elicitations.note(connectorId, id, this.server);
    }
  }

  /** `onLog` and `onRequest` for one request of this client to `connectorId`. */
  relay(connectorId: string, extra: Extra): Pick<ToolCallContext, 'onLog' | 'onRequest'> {
    this.#connectors.add(connectorId);
    return {
      onLog: (log) => this.#log(connectorId, log, extra),
      onRequest: (request, context) => this.#request(connectorId, request, context.signal, extra),
    };
  }

  #log(connectorId: string, log: ToolCallLog, extra: Extra): void {
    if ((SEVERITY.get(log.level) ?? 0) < this.#minimumSeverity) return;
    const params = {
      level: log.level,
      logger: log.logger ? `${connectorId}/${log.logger}` : connectorId,
      data: log.data,
    };
    extra.sendNotification({ method: 'notifications/message', params }).catch((error: unknown) => {
      this.#options.logger.debug?.({ err: error }, 'could not forward a log message to its client');
    });
  }

  async #request(
    connectorId: string,
    request: ToolCallRequest,
    signal: AbortSignal,
    extra: Extra,
  ): Promise<{ [key: string]: unknown }> {
    requireCapability(this.server.getClientCapabilities(), request, connectorId);
    const elicitationId = urlElicitationId(request);
    if (elicitationId !== undefined) this.#options.elicitations.note(connectorId, elicitationId, this.server);
    try {
      return await extra.sendRequest(request as ServerRequest, AnyResultSchema, {
        signal,
        timeout: this.#options.requestTimeoutMs,
      });
    } catch (error) {
      throw asRelayedError(error);
    }
  }
}

/**
 * Refuses, as a client without a handler would (-32601), a request this client did not declare the capability
 * for, naming the capability. `sampling` for `sampling/createMessage` (`sampling.tools` when it offers tools);
 * `elicitation` for `elicitation/create` (`elicitation.url` for URL mode; an empty `elicitation` means form mode);
 * `roots` for `roots/list`. Any other method is not relayed.
 */
function requireCapability(
  capabilities: ClientCapabilities | undefined,
  request: ToolCallRequest,
  connectorId: string,
): void {
  const missing = missingCapability(capabilities ?? {}, request);
  if (missing === undefined) return;
  throw jsonRpcError(
    ErrorCode.MethodNotFound,
    missing === null
      ? `The host relays no ${request.method} to its clients (connector "${connectorId}" sent it).`
      : `The client of this call did not declare the ${missing} capability, so the host cannot relay connector "${connectorId}"'s ${request.method} to it.`,
  );
}

/** The capability `request` needs and the client lacks; null for a method the host never relays. */
function missingCapability(
  capabilities: ClientCapabilities,
  request: ToolCallRequest,
): string | null | undefined {
  const params = request.params ?? {};
  switch (request.method) {
    case 'sampling/createMessage':
      if (!capabilities.sampling) return 'sampling';
      if ((params.tools !== undefined || params.toolChoice !== undefined) && !capabilities.sampling.tools) {
        return 'sampling.tools';
      }
      return undefined;
    case 'elicitation/create': {
      const elicitation = capabilities.elicitation;
      if (!elicitation) return 'elicitation';
      if (params.mode === 'url') return elicitation.url ? undefined : 'elicitation.url';
      const formOnly = elicitation.form === undefined && elicitation.url === undefined;
      return formOnly || elicitation.form ? undefined : 'elicitation.form';
    }
    case 'roots/list':
      return capabilities.roots ? undefined : 'roots';
    default:
      return null;
  }
}

function urlElicitationId(request: ToolCallRequest): string | undefined {
  if (request.method !== 'elicitation/create' || request.params?.mode !== 'url') return undefined;
  const id = request.params.elicitationId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The client's JSON-RPC error as the upstream should see it: its code, message and data unchanged. An `McpError`'s
 * message carries an "MCP error <code>: " prefix the SDK added on receipt, which the upstream's SDK adds again.
 */
function asRelayedError(error: unknown): unknown {
  if (!(error instanceof McpError)) return error;
  const prefix = `MCP error ${error.code}: `;
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return jsonRpcError(error.code, message, error.data);
}

/**
 * An error the SDK answers the upstream's request with, as `{ code, message, data }`. Not an `McpError`: the SDK
 * sends a handler's `message` as it is, and McpError's carries an "MCP error <code>: " prefix that the upstream's
 * SDK adds a second time on receipt.
 */
function jsonRpcError(code: number, message: string, data?: unknown): Error {
  return Object.assign(new Error(message), { code, ...(data === undefined ? {} : { data }) });
}
