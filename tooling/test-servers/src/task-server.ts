import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks/stores/in-memory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/** What a test steers in {@link createTaskServer}: each `slow-sum` task finishes when `finish()` is called. */
export interface TaskServerControl {
  /** Completes every `slow-sum` task started so far. */
  finish(): void;
}

/**
 * A factory of McpServers (one per session, for any transport) offering tasks (MCP 2025-11-25, experimental) with the SDK's own task
 * machinery: `slow-sum` runs as a task that completes with the sum when the test says so; `tasks/get`,
 * `tasks/result`, `tasks/cancel` and `tasks/list` are the SDK's, on one shared in-memory store.
 */
export function createTaskServer(): { create: () => McpServer; control: TaskServerControl } {
  const taskStore = new InMemoryTaskStore();
  let pending: Array<() => void> = [];
  const control: TaskServerControl = {
    finish: () => {
      for (const done of pending) done();
      pending = [];
    },
  };
  const create = () => {
    const server = new McpServer(
      { name: 'tasks', version: '1.0.0' },
      { capabilities: { tasks: { requests: { tools: { call: {} } }, list: {}, cancel: {} } }, taskStore },
    );
    server.experimental.tasks.registerToolTask(
      'slow-sum',
      { inputSchema: { a: z.number(), b: z.number() } },
      {
        async createTask({ a, b }, { taskStore: store, taskRequestedTtl }) {
          const task = await store.createTask({ ttl: taskRequestedTtl ?? null });
          pending.push(() => {
            // A task cancelled meanwhile keeps its status: the store refuses a result for it.
            store
              .storeTaskResult(task.taskId, 'completed', { content: [{ type: 'text', text: String(a + b) }] })
              .catch(() => {});
          });
          return { task };
        },
        getTask: async (_args, { taskId, taskStore: store }) => store.getTask(taskId),
        getTaskResult: async (_args, { taskId, taskStore: store }) =>
          (await store.getTaskResult(taskId)) as { content: [] },
      },
    );
    return server;
  };
  return { create, control };
}
