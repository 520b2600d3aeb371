import type { TaskMethod } from '@cortex-mcp/connector-proxy';
import type { ToolCallContext, VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import type {
  CompleteRequest,
  CompleteResult,
  CreateTaskResult,
  GetPromptResult,
  ReadResourceResult,
  Result,
} from '@modelcontextprotocol/sdk/types.js';

/** The part of a registry tool calls read: a `VersionedToolRegistry` satisfies it. */
export type ToolSource = Pick<VersionedToolRegistry, 'listTools' | 'getTool' | 'onChange'>;

/**
 * The part of the catalogue the server reads: a `VersionedToolRegistry` satisfies it. The server lists, looks up,
 * resolves names and URIs and watches changes; it never changes the catalogue.
 */
export type CatalogueSource = ToolSource &
  Pick<
    VersionedToolRegistry,
    | 'listResources'
    | 'listResourceTemplates'
    | 'listPrompts'
    | 'getPrompt'
    | 'resolveResourceUri'
    | 'resolveResourceTemplate'
    | 'publicResourceUri'
  >;

/** One connector's `instructions`, as its upstream gave them in `initialize`. */
export interface UpstreamInstructions {
  readonly connectorId: string;
  readonly instructions: string;
}

/**
 * Where the server forwards what is not a tool call, by the owning connector's id and in the upstream's names and
 * URIs (the catalogue resolves them first). Each request gets the client's cancellation and progress forwarder.
 * Failures are thrown; the server turns them into JSON-RPC errors.
 */
export interface UpstreamRouter {
  readResource(connectorId: string, uri: string, context: ToolCallContext): Promise<ReadResourceResult>;
  getPrompt(
    connectorId: string,
    name: string,
    args: Record<string, string> | undefined,
    context: ToolCallContext,
  ): Promise<GetPromptResult>;
  complete(
    connectorId: string,
    params: CompleteRequest['params'],
    context: ToolCallContext,
  ): Promise<CompleteResult>;
  subscribeResource(connectorId: string, uri: string, context: ToolCallContext): Promise<void>;
  unsubscribeResource(connectorId: string, uri: string): Promise<void>;
  /** Calls a tool of this connector as a task: the upstream answers at once with the task, in its own ids. */
  callToolAsTask(
    connectorId: string,
    name: string,
    args: Record<string, unknown>,
    task: Record<string, unknown>,
    context: ToolCallContext,
  ): Promise<CreateTaskResult>;
  /** `tasks/get`, `tasks/result`, `tasks/cancel` or `tasks/list`, with the upstream's task id in `params`. */
  taskRequest(
    connectorId: string,
    method: TaskMethod,
    params: Record<string, unknown>,
    context: ToolCallContext,
  ): Promise<Result>;
  /** A client whose requests went to this connector says its roots changed: tell the upstream. */
  rootsListChanged(connectorId: string): Promise<void>;
  /** Every connector's instructions, in a stable order. */
  instructions(): readonly UpstreamInstructions[];
}

/** Name and version the server reports in its `initialize` answer. */
export interface HostServerInfo {
  readonly name: string;
  readonly version: string;
}

/** Pino-compatible logger subset; the host passes its pino logger. */
export interface HostServerLogger {
  warn(obj: object, msg?: string): void;
  error?(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

/** Timers the server schedules with (drain deadlines); injectable for tests. */
export interface HostServerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * What both surfaces (HTTP and stdio) share: route what upstreams send outside any request, wait for calls, shut
 * down. (An upstream's log messages and requests about a client's request travel with that request, never through
 * the surface; its log messages about no request go to the host's own log.)
 */
export interface McpSurface {
  /**
   * An upstream finished a URL-mode elicitation (`notifications/elicitation/complete`): the session whose request
   * relayed that elicitation is told, and no other.
   */
  elicitationComplete(connectorId: string, elicitationId: string): void;
  /**
   * An upstream said a resource changed (`uri` in the upstream's form): `notifications/resources/updated` goes to
   * the sessions subscribed to it, and only to them.
   */
  resourceUpdated(connectorId: string, uri: string): void;
  /**
   * Stops accepting new tool calls and waits up to `timeoutMs` for the running ones to finish. Resolves with how
   * many were still running when it gave up (0 when all finished). Call `close()` afterwards.
   */
  drain(timeoutMs: number): Promise<number>;
  /** Closes every session (aborting calls still running) and releases every handle. Idempotent. */
  close(): Promise<void>;
}
