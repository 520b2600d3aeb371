import type { TaskCreation, TaskMethod } from '@cortex-mcp/connector-proxy';
import type { ToolCallContext } from '@cortex-mcp/tool-registry';
import type {
  CompleteRequest,
  CompleteResult,
  CreateTaskResult,
  GetPromptResult,
  ReadResourceResult,
  Result,
} from '@modelcontextprotocol/sdk/types.js';
import { ConnectorManagerError } from '../errors.js';
import { MAX_TIMER_MS } from '../max-timer.js';
import type { ManagedConnector } from './managed-connector.js';

/** One connector's `instructions`, as the upstream gave them in `initialize`. */
export interface ConnectorInstructions {
  readonly connectorId: string;
  readonly instructions: string;
}

/**
 * Routes the requests the MCP surface forwards by connector id (tool calls go through the registry's handlers
 * instead): reads, prompts, completions and subscriptions, each in the upstream's names. A connector that is not
 * running (removed meanwhile) is `unavailable`.
 */
export class UpstreamRequests {
  readonly #connectors: ReadonlyMap<string, ManagedConnector>;

  /** @param connectors - the running connectors by id (read at each request). */
  constructor(connectors: ReadonlyMap<string, ManagedConnector>) {
    this.#connectors = connectors;
  }

  /** Whether a connector of this id runs now. */
  runs(connectorId: string): boolean {
    return this.#connectors.has(connectorId);
  }

  readResource(connectorId: string, uri: string, context: ToolCallContext): Promise<ReadResourceResult> {
    return this.#connector(connectorId).request('resources/read', context, (proxy, options) =>
      proxy.readResource(uri, options),
    );
  }

  getPrompt(
    connectorId: string,
    name: string,
    args: Record<string, string> | undefined,
    context: ToolCallContext,
  ): Promise<GetPromptResult> {
    return this.#connector(connectorId).request('prompts/get', context, (proxy, options) =>
      proxy.getPrompt(name, args, options),
    );
  }

  complete(
    connectorId: string,
    params: CompleteRequest['params'],
    context: ToolCallContext,
  ): Promise<CompleteResult> {
    return this.#connector(connectorId).request('completion/complete', context, (proxy, options) =>
      proxy.complete(params, options),
    );
  }

  async subscribeResource(connectorId: string, uri: string, context: ToolCallContext): Promise<void> {
    await this.#connector(connectorId).request('resources/subscribe', context, (proxy, options) =>
      proxy.subscribeResource(uri, options),
    );
  }

  /** Ends an upstream subscription; nothing to do for a connector that is gone (its proxy forgot it). */
  async unsubscribeResource(connectorId: string, uri: string): Promise<void> {
    await this.#connectors.get(connectorId)?.unsubscribeResource(uri);
  }

  /** A task-augmented `tools/call` (counted as a tool call); answered at once with the task. */
  callToolAsTask(
    connectorId: string,
    name: string,
    args: Record<string, unknown>,
    task: TaskCreation,
    context: ToolCallContext,
  ): Promise<CreateTaskResult> {
    return this.#connector(connectorId).request('tools/call', context, (proxy, options) =>
      proxy.callToolAsTask(name, args, task, options),
    );
  }

  /**
   * A request about a task. `tasks/result` waits for the task to end, so the call timeout does not cut it: only the
   * client's cancellation, a lost connection, or 2^31−1 ms (the most a timer holds) end it early.
   */
  taskRequest(
    connectorId: string,
    method: TaskMethod,
    params: Record<string, unknown>,
    context: ToolCallContext,
  ): Promise<Result> {
    return this.#connector(connectorId).request(method, context, (proxy, options) =>
      proxy.taskRequest(
        method,
        params,
        method === 'tasks/result' ? { ...options, timeoutMs: MAX_TIMER_MS } : options,
      ),
    );
  }

  /** Tells the connector's upstream that a client's roots changed; nothing for a connector that is gone. */
  async rootsListChanged(connectorId: string): Promise<void> {
    await this.#connectors.get(connectorId)?.proxy?.notifyRootsListChanged();
  }

  /** Every running connector's instructions, in connector-id order (stable across hosts and restarts). */
  instructions(): ConnectorInstructions[] {
    const entries: ConnectorInstructions[] = [];
    for (const connector of this.#connectors.values()) {
      const { instructions } = connector;
      if (instructions) entries.push({ connectorId: connector.id, instructions });
    }
    return entries.sort((left, right) => (left.connectorId < right.connectorId ? -1 : 1));
  }

  #connector(connectorId: string): ManagedConnector {
    const connector = this.#connectors.get(connectorId);
    if (connector) return connector;
    throw new ConnectorManagerError(
      'unavailable',
      `Connector "${connectorId}" is not running (it left the service map or the registry file); list again for what the host serves now.`,
      { connectorId },
    );
  }
}
