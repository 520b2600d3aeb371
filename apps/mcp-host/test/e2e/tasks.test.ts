// Issue 16, "Tasks (2025-11-25, experimental)": a task-augmented tools/call and tasks/get|result|cancel|list pass
// through a real `mcp-host serve` process to an upstream built on the SDK's task machinery. Each client gets the
// host's own task ids, and no client can reach another's task (one upstream session serves them all).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CancelTaskResultSchema,
  CreateTaskResultSchema,
  ErrorCode,
  GetTaskPayloadResultSchema,
  GetTaskResultSchema,
  ListTasksResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectHttp, type E2eClient } from './helpers/clients.js';
import { tempCortexHome } from './helpers/host-observation.js';
import { type HostProcess, startHostProcess } from './helpers/host-process.js';
import { startTaskUpstream, type TaskUpstream } from './helpers/task-upstream.js';
import { waitFor } from './helpers/wait.js';

let upstream: TaskUpstream;
let home: { dir: string; remove: () => Promise<void> };
let host: HostProcess;
let alice: E2eClient;
let bob: E2eClient;

beforeAll(async () => {
  upstream = await startTaskUpstream();
  home = await tempCortexHome();
  await mkdir(join(home.dir, 'mcp'), { recursive: true });
  const servers = [{ name: 'jobs', transport: 'streamable-http', url: upstream.url }];
  await writeFile(join(home.dir, 'mcp', 'servers.json'), JSON.stringify({ version: 1, servers }));
  host = await startHostProcess({ CORTEX_HOME: home.dir });
  const probe = await connectHttp(`${host.baseUrl}/mcp`);
  // Tasks are offered to sessions opened once a tool that may run as a task is in the catalogue.
  await waitFor('the task tool', async () =>
    (await probe.client.listTools()).tools.some((tool) => tool.name === 'jobs.slow-sum') ? true : undefined,
  );
  await probe.close();
  [alice, bob] = await Promise.all([connectHttp(`${host.baseUrl}/mcp`), connectHttp(`${host.baseUrl}/mcp`)]);
});

afterAll(async () => {
  upstream?.finish();
  await Promise.allSettled([alice?.close(), bob?.close()]);
  await host?.stop();
  await upstream?.close();
  await home?.remove();
});

function startSum(client: E2eClient, a: number, b: number) {
  return client.client.request(
    { method: 'tools/call', params: { name: 'jobs.slow-sum', arguments: { a, b }, task: { ttl: 60_000 } } },
    CreateTaskResultSchema,
  );
}

it('offers tasks to its clients while a connector does', () => {
  expect(alice.client.getServerCapabilities()?.tasks).toEqual({
    list: {},
    cancel: {},
    requests: { tools: { call: {} } },
  });
});

it('runs a tool call as a task: the host’s task id, its status, its result once it ends', async () => {
  const { task } = await startSum(alice, 2, 3);
  expect(task).toMatchObject({ status: 'working', ttl: 60_000 });
  const get = () =>
    alice.client.request({ method: 'tasks/get', params: { taskId: task.taskId } }, GetTaskResultSchema);
  expect(await get()).toMatchObject({ taskId: task.taskId, status: 'working' });

  const result = alice.client.request(
    { method: 'tasks/result', params: { taskId: task.taskId } },
    GetTaskPayloadResultSchema,
  );
  upstream.finish();
  expect(await result).toMatchObject({ content: [{ type: 'text', text: '5' }] });
  expect(await get()).toMatchObject({ taskId: task.taskId, status: 'completed' });
});

it('keeps each client’s tasks its own: another client can neither see nor use them', async () => {
  const { task } = await startSum(alice, 1, 1);
  const listed = await alice.client.request({ method: 'tasks/list', params: {} }, ListTasksResultSchema);
  expect(listed.tasks.map((item) => item.taskId)).toContain(task.taskId);
  expect(
    (await bob.client.request({ method: 'tasks/list', params: {} }, ListTasksResultSchema)).tasks,
  ).toEqual([]);
  for (const method of ['tasks/get', 'tasks/result', 'tasks/cancel'] as const) {
    await expect(
      bob.client.request({ method, params: { taskId: task.taskId } }, GetTaskResultSchema),
    ).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
  }
});

it('cancels a task', async () => {
  const { task } = await startSum(alice, 4, 4);
  expect(
    await alice.client.request(
      { method: 'tasks/cancel', params: { taskId: task.taskId } },
      CancelTaskResultSchema,
    ),
  ).toMatchObject({ taskId: task.taskId, status: 'cancelled' });
});
