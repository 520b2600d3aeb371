import { randomUUID } from 'node:crypto';
import type { TaskMethod } from '@cortex-mcp/connector-proxy';
import type { RegisteredTool } from '@cortex-mcp/tool-registry';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  type CallToolRequest,
  type CreateTaskResult,
  ErrorCode,
  McpError,
  RELATED_TASK_META_KEY,
  type Result,
} from '@modelcontextprotocol/sdk/types.js';
import type { CatalogueRouting } from './forwarded.js';
import { forwardToConnector, requiredString } from './forwarded.js';
import type { Extra, ToolCallRouting } from './tool-call.js';
import { type PublicUri, rewriteToolResult } from './uri-rewriting.js';

/** The `tasks` capability the host offers when some connector runs tool calls as tasks. */
export const HOST_TASKS_CAPABILITY = { list: {}, cancel: {}, requests: { tools: { call: {} } } };

const offers = new WeakMap<readonly RegisteredTool[], boolean>();

/**
 * Whether a catalogue snapshot holds a tool that may run as a task (`execution.taskSupport` `optional` or
 * `required`): sessions opened then are offered tasks. Read from the catalogue, not from live connections, so a warm
 * start (persisted catalogue, nothing connected yet) offers what the cold start did.
 */
export function offersTasks(tools: readonly RegisteredTool[]): boolean {
  let offered = offers.get(tools);
  if (offered === undefined) {
    offered = tools.some((tool) => {
      const support = (tool.execution as { taskSupport?: unknown } | undefined)?.taskSupport;
      return support === 'optional' || support === 'required';
    });
    offers.set(tools, offered);
  }
  return offered;
}

/** Default bound of {@link TaskBook}: tasks remembered at once per surface, oldest forgotten first. */
export const DEFAULT_TASKS_HELD = 10_000;

/** Most tasks one `tasks/list` answers with (the session's newest). */
const LISTED_TASKS_MAX = 100;

/** One task a client started through the host. */
interface HeldTask {
  readonly connectorId: string;
  readonly upstreamTaskId: string;
  readonly session: Server;
}

/**
 * The tasks clients started through the host (MCP 2025-11-25, experimental). The host hands each client its own
 * task id — random, so no client can guess another's — mapped to the owning connector and the upstream's id; only
 * the session that created a task can use its id. Bounded: past `limit` the oldest is forgotten (its id is then
 * unknown); a session's tasks are forgotten when it closes.
 */
export class TaskBook {
  readonly #tasks = new Map<string, HeldTask>();
  readonly #limit: number;

  constructor(limit = DEFAULT_TASKS_HELD) {
    this.#limit = limit;
  }

  /** Remembers a task `session` created; returns the id the client gets. */
  add(task: HeldTask): string {
    const hostTaskId = randomUUID();
    this.#tasks.set(hostTaskId, task);
    if (this.#tasks.size > this.#limit) this.#tasks.delete(this.#tasks.keys().next().value as string);
    return hostTaskId;
  }

  /** The task `hostTaskId` names for `session`, or undefined. */
  get(hostTaskId: string, session: Server): HeldTask | undefined {
    const task = this.#tasks.get(hostTaskId);
    return task?.session === session ? task : undefined;
  }

  /** The newest tasks of `session`, at most `max`, with the ids the client knows them by. */
  of(session: Server, max: number): Array<[string, HeldTask]> {
    return [...this.#tasks].filter(([, task]) => task.session === session).slice(-max);
  }

  forget(session: Server): void {
    for (const [id, task] of this.#tasks) if (task.session === session) this.#tasks.delete(id);
  }
}

/** What the task handlers need: the catalogue routing, the session, and the surface's task book. */
export interface TaskRouting extends CatalogueRouting, Pick<ToolCallRouting, 'publicUri'> {
  readonly tasks: TaskBook;
  readonly session: Server;
}

/** A task-augmented `tools/call`: forwarded as a task to the tool's connector; the client gets the host's task id. */
export async function startToolTask(
  routing: TaskRouting,
  request: CallToolRequest,
  extra: Extra,
): Promise<CreateTaskResult> {
  const { name, task } = request.params;
  const tool = routing.catalogue.getTool(name);
  if (!tool) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `Unknown tool "${name}": call tools/list for the current tools.`,
    );
  }
  const { connectorId, originalName } = tool.metadata;
  const created = await forwardToConnector(
    routing,
    extra,
    { connectorId, method: 'tools/call', name },
    (context) =>
      routing.upstream.callToolAsTask(
        connectorId,
        originalName,
        request.params.arguments ?? {},
        task ?? {},
        context,
      ),
  );
  const taskId = routing.tasks.add({
    connectorId,
    upstreamTaskId: created.task.taskId,
    session: routing.session,
  });
  return { ...created, task: { ...created.task, taskId } };
}

/**
 * `tasks/get`, `tasks/result` or `tasks/cancel`: forwarded to the task's connector with the upstream's id, the
 * answer given back with the client's id (and, for a result, its resource URIs in the host's form). An id this
 * session did not get from the host is `-32602`.
 */
export async function forwardTaskRequest(
  routing: TaskRouting,
  method: Exclude<TaskMethod, 'tasks/list'>,
  params: unknown,
  extra: Extra,
): Promise<Result> {
  const hostTaskId = requiredString(params, 'taskId', method);
  const task = routing.tasks.get(hostTaskId, routing.session);
  if (!task) {
    throw new McpError(
      ErrorCode.InvalidParams,
      `Unknown task "${hostTaskId}": this session started no task by that id, or it was forgotten.`,
    );
  }
  const { connectorId, upstreamTaskId } = task;
  const answer = await forwardToConnector(
    routing,
    extra,
    { connectorId, method, name: hostTaskId },
    (context) =>
      routing.upstream.taskRequest(
        connectorId,
        method,
        { ...(params as object), taskId: upstreamTaskId },
        context,
      ),
  );
  return withHostTaskId(answer, method, hostTaskId, routing.publicUri?.(connectorId));
}

/**
 * `tasks/list`: this session's tasks only (the upstream's list would show every client's, since one upstream
 * session serves them all), each as its connector's `tasks/get` says now; tasks the upstream no longer knows are
 * left out. No pagination: the newest 100.
 */
export async function listTasks(routing: TaskRouting, extra: Extra): Promise<Result> {
  const held = routing.tasks.of(routing.session, LISTED_TASKS_MAX);
  const tasks = await Promise.all(
    held.map(([hostTaskId]) =>
      forwardTaskRequest(routing, 'tasks/get', { taskId: hostTaskId }, extra).catch(() => undefined),
    ),
  );
  return { tasks: tasks.filter((task) => task !== undefined).map(({ _meta, ...task }) => task) };
}

function withHostTaskId(
  answer: Result,
  method: Exclude<TaskMethod, 'tasks/list'>,
  hostTaskId: string,
  toPublic: PublicUri | undefined,
): Result {
  if (method !== 'tasks/result') return { ...answer, taskId: hostTaskId };
  const related = answer._meta?.[RELATED_TASK_META_KEY];
  const meta = related ? { _meta: { ...answer._meta, [RELATED_TASK_META_KEY]: { taskId: hostTaskId } } } : {};
  const result = { ...answer, ...meta };
  return toPublic ? rewriteToolResult(result, toPublic) : result;
}
