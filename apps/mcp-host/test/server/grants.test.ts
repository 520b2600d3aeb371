// Issue 17, authorization: with the door asking for keys, a client sees and uses only the connectors its scopes
// grant (a connector with no scopes is open to every key), a hidden item answers exactly as one that does not exist,
// and list_changed reaches a client only when its own view changed. Real SDK clients over Streamable HTTP.
import { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyBook, apiKeyDoor, newApiKey } from '../../src/auth/index.js';
import { HostMetrics } from '../../src/metrics.js';
import { createHostHttpServer, type HostHttpServer } from '../../src/server/index.js';
import { waitFor } from '../e2e/helpers/wait.js';
import { deferred } from './support.js';

const answer = (text: string) => async () => ({ content: [{ type: 'text' as const, text }] });
const tool = (name: string) => ({ name, inputSchema: { type: 'object' as const }, handler: answer(name) });

const registry = new VersionedToolRegistry({ logger: { warn: () => {} } });
registry.replaceConnectorTools('open', [tool('ping')]);
registry.replaceConnectorCatalogue(
  'hr',
  {
    tools: [tool('salary')],
    resources: [{ uri: 'hr://handbook', name: 'handbook' }],
    prompts: [{ name: 'review' }],
  },
  { metadata: { scopes: ['hr'] } },
);
registry.replaceConnectorTools('eng', [tool('deploy')], { metadata: { scopes: ['eng', 'admin'] } });

const made = {
  hr: newApiKey('hr-user', ['hr'], new Date()),
  eng: newApiKey('eng-user', ['admin'], new Date()),
  none: newApiKey('plain', [], new Date()),
};
let server: HostHttpServer;
const clients: Client[] = [];

/** A client with `key`; resolves once its GET stream is open (list_changed travels there, and is lost before). */
async function connectAs(key: string): Promise<{ client: Client; listChanged: () => number }> {
  const client = new Client({ name: 'grants-test', version: '1.0.0' });
  let listChanged = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    listChanged += 1;
  });
  const streamOpen = deferred();
  const observingFetch: FetchLike = async (input, init) => {
    const response = await fetch(input, init);
    if ((init?.method ?? 'GET') === 'GET' && response.ok) streamOpen.resolve();
    return response;
  };
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
      fetch: observingFetch,
    }),
  );
  clients.push(client);
  await streamOpen.promise;
  return { client, listChanged: () => listChanged };
}

const toolNames = async (client: Client) => (await client.listTools()).tools.map((item) => item.name).sort();

beforeAll(async () => {
  const book = new ApiKeyBook(Object.values(made).map((entry) => entry.entry));
  server = await createHostHttpServer({
    registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    getStatus: () => ({}),
    isReady: () => true,
    serverInfo: { name: 'grants', version: '1' },
    door: apiKeyDoor(() => book),
  });
});

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()));
  await server.close();
});

describe('what each client sees', () => {
  it('lists only the connectors its scopes grant, plus those with no scopes', async () => {
    const [hr, eng, plain] = await Promise.all([
      connectAs(made.hr.key),
      connectAs(made.eng.key),
      connectAs(made.none.key),
    ]);
    expect(await toolNames(hr.client)).toEqual(['hr.salary', 'open.ping']);
    expect(await toolNames(eng.client)).toEqual(['eng.deploy', 'open.ping']);
    expect(await toolNames(plain.client)).toEqual(['open.ping']);
    expect((await hr.client.listResources()).resources.map((item) => item.uri)).toEqual(['hr+hr://handbook']);
    expect((await eng.client.listResources()).resources).toEqual([]);
    expect((await hr.client.listPrompts()).prompts.map((item) => item.name)).toEqual(['hr.review']);
    expect((await eng.client.listPrompts()).prompts).toEqual([]);
  });

  it('answers a hidden tool, resource or prompt exactly as one that does not exist', async () => {
    const { client } = await connectAs(made.eng.key);
    const failure = async (run: () => Promise<unknown>) => {
      const error = (await run().then(
        () => undefined,
        (thrown: unknown) => thrown,
      )) as { code: number; message: string; data?: unknown };
      return { code: error.code, message: error.message, data: error.data };
    };
    const hiddenTool = await failure(() => client.callTool({ name: 'hr.salary', arguments: {} }));
    const missingTool = await failure(() => client.callTool({ name: 'hr.salarx', arguments: {} }));
    expect(hiddenTool).toEqual({
      ...missingTool,
      message: missingTool.message.replace('hr.salarx', 'hr.salary'),
    });

    const hiddenRead = await failure(() => client.readResource({ uri: 'hr+hr://handbook' }));
    const missingRead = await failure(() => client.readResource({ uri: 'hr+hr://handboox' }));
    expect(hiddenRead).toEqual({
      code: missingRead.code,
      message: missingRead.message.replaceAll('handboox', 'handbook'),
      data: { uri: 'hr+hr://handbook' },
    });

    const hiddenPrompt = await failure(() => client.getPrompt({ name: 'hr.review' }));
    const missingPrompt = await failure(() => client.getPrompt({ name: 'hr.reviex' }));
    expect(hiddenPrompt).toEqual({
      ...missingPrompt,
      message: missingPrompt.message.replace('hr.reviex', 'hr.review'),
    });
  });

  it('lets a client call what it sees', async () => {
    const { client } = await connectAs(made.hr.key);
    expect(await client.callTool({ name: 'hr.salary', arguments: {} })).toEqual({
      content: [{ type: 'text', text: 'salary' }],
    });
  });
});

describe('list_changed', () => {
  it('reaches a client only when its own view changed', async () => {
    const [hr, eng] = await Promise.all([connectAs(made.hr.key), connectAs(made.eng.key)]);
    registry.replaceConnectorTools('eng', [tool('deploy'), tool('rollback')], {
      metadata: { scopes: ['eng', 'admin'] },
    });
    await waitFor('eng told', async () => (eng.listChanged() > 0 ? true : undefined));
    expect(await toolNames(eng.client)).toEqual(['eng.deploy', 'eng.rollback', 'open.ping']);

    // A change both see: on hr's stream its notification would come after any wrongly sent for the first change.
    registry.replaceConnectorTools('open', [tool('ping'), tool('pong')]);
    await waitFor('both told', async () =>
      hr.listChanged() > 0 && eng.listChanged() > 1 ? true : undefined,
    );
    expect(hr.listChanged()).toBe(1);
  });
});
