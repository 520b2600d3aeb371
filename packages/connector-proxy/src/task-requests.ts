import {
  CancelTaskResultSchema,
  type CreateTaskResult,
  CreateTaskResultSchema,
  GetTaskPayloadResultSchema,
  GetTaskResultSchema,
  ListTasksResultSchema,
  type Result,
} from '@modelcontextprotocol/sdk/types.js';
import type { ForwardedRequest } from './request-forwarding.js';
import type { UpstreamFeature } from './upstream-features.js';

// The task requests of MCP 2025-11-25 (experimental) the proxy forwards: a task-augmented `tools/call`, and the
// requests about a task (`tasks/get`, `tasks/result`, `tasks/cancel`, `tasks/list`). Each is checked against the
// SDK's schema and returned as the upstream sent it.

/** A request about tasks the proxy forwards as it is. */
export type TaskMethod = 'tasks/get' | 'tasks/result' | 'tasks/cancel' | 'tasks/list';

/** What the caller asks of the task a `tools/call` creates (the request's `task` member). */
export interface TaskCreation {
  /** How long the upstream should keep the task's result after it finished, in ms. */
  ttl?: number;
  [key: string]: unknown;
}

const TASK_REQUESTS: Record<
  TaskMethod,
  { check: ForwardedRequest<Result>['check']; needs: UpstreamFeature }
> = {
  'tasks/get': { check: GetTaskResultSchema, needs: 'tasks' },
  // The payload is the result of the request the task ran (a `CallToolResult` for a tool call), unchanged.
  'tasks/result': { check: GetTaskPayloadResultSchema, needs: 'tasks' },
  'tasks/cancel': { check: CancelTaskResultSchema, needs: 'task cancellation' },
  'tasks/list': { check: ListTasksResultSchema, needs: 'task listing' },
};

/** A task-augmented `tools/call`: answered at once with the task; needs `tasks.requests.tools.call`. */
export function taskToolCallRequest(
  name: string,
  args: Record<string, unknown>,
  task: TaskCreation,
): ForwardedRequest<CreateTaskResult> {
  return {
    method: 'tools/call',
    params: { name, arguments: args, task },
    check: CreateTaskResultSchema,
    what: `tools/call "${name}" as a task`,
    needs: 'task-augmented tool calls',
  };
}

/** `tasks/get`, `tasks/result`, `tasks/cancel` or `tasks/list`, with the caller's params. */
export function taskRequest(method: TaskMethod, params: Record<string, unknown>): ForwardedRequest<Result> {
  const { check, needs } = TASK_REQUESTS[method];
  const taskId = typeof params.taskId === 'string' ? ` "${params.taskId}"` : '';
  return { method, params, check, what: `${method}${taskId}`, needs };
}
