import { createTaskServer, type TaskServerControl } from '@cortex-mcp/test-servers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorProxyError, RemoteToolProxy } from '../src/index.js';
import { type HttpFixtureServer, startHttpFixture } from './helpers/http-fixture-server.js';
import { createRelayServer } from './helpers/relay-server.js';

let fixture: HttpFixtureServer;
let control: TaskServerControl;
let proxy: RemoteToolProxy | undefined;

beforeAll(async () => {
  const tasks = createTaskServer();
  control = tasks.control;
  fixture = await startHttpFixture(tasks.create);
});
afterEach(async () => {
  control.finish();
  await proxy?.disconnect();
  proxy = undefined;
});
afterAll(async () => {
  await fixture.close();
});

async function connect(url = fixture.streamableUrl): Promise<RemoteToolProxy> {
  proxy = new RemoteToolProxy({ id: 'tasks', transport: 'streamable-http', url });
  await proxy.connect();
  return proxy;
}

describe('tasks (2025-11-25, experimental)', () => {
  it('starts a tool call as a task, and forwards tasks/get, tasks/list and tasks/result as sent', async () => {
    const upstream = await connect();
    const created = await upstream.callToolAsTask('slow-sum', { a: 2, b: 3 }, { ttl: 60_000 });
    expect(created.task).toMatchObject({ status: 'working', ttl: 60_000 });
    const { taskId } = created.task;

    expect(await upstream.taskRequest('tasks/get', { taskId })).toMatchObject({ taskId, status: 'working' });
    const listed = await upstream.taskRequest('tasks/list', {});
    expect((listed.tasks as Array<{ taskId: string }>).map((task) => task.taskId)).toContain(taskId);

    // tasks/result waits for the task to end: it is answered once the task completes.
    const result = upstream.taskRequest('tasks/result', { taskId }, { timeoutMs: 10_000 });
    control.finish();
    expect(await result).toMatchObject({ content: [{ type: 'text', text: '5' }] });
    expect(await upstream.taskRequest('tasks/get', { taskId })).toMatchObject({ status: 'completed' });
  });

  it('forwards tasks/cancel', async () => {
    const upstream = await connect();
    const { task } = await upstream.callToolAsTask('slow-sum', { a: 1, b: 1 }, {});
    expect(await upstream.taskRequest('tasks/cancel', { taskId: task.taskId })).toMatchObject({
      taskId: task.taskId,
      status: 'cancelled',
    });
  });

  it('sends no task request to an upstream that offers no tasks', async () => {
    const plain = await startHttpFixture(createRelayServer);
    try {
      const upstream = await connect(plain.streamableUrl);
      const refused = upstream.callToolAsTask('ask', {}, {});
      await expect(refused).rejects.toBeInstanceOf(ConnectorProxyError);
      await expect(refused).rejects.toMatchObject({ code: 'unsupported' });
      await expect(upstream.taskRequest('tasks/get', { taskId: 'x' })).rejects.toThrow(
        /does not offer tasks.*`tasks` capability/,
      );
    } finally {
      await proxy?.disconnect();
      proxy = undefined;
      await plain.close();
    }
  });
});
