// The MCP surface's side of a cold start's first list: every list awaits what `firstListReady` gives, and answers
// with the catalogue as it is then. The host's side (what the promise waits for, the bound) is FirstListWait's.
import { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { McpSessionGroup } from '../../src/server/index.js';
import { deferred } from './support.js';

const object = { type: 'object' as const, properties: {} };

/** What a connector that connects during the wait adds: one item of every kind. */
function connectNotes(registry: VersionedToolRegistry): void {
  registry.replaceConnectorCatalogue('notes', {
    tools: [{ name: 'search', inputSchema: object, handler: async () => ({ content: [] }) }],
    resources: [{ uri: 'file:///readme.md', name: 'readme' }],
    resourceTemplates: [{ uriTemplate: 'file:///{path}', name: 'file' }],
    prompts: [{ name: 'summarise' }],
  });
}

const groups: McpSessionGroup[] = [];

afterEach(async () => {
  await Promise.all(groups.splice(0).map((group) => group.close()));
});

/** A group serving `registry`, one client session on it, and every message the server sent. */
async function connect(registry: VersionedToolRegistry, firstListReady?: () => Promise<void> | undefined) {
  const group = new McpSessionGroup({
    registry,
    serverInfo: { name: 'first-list', version: '1.0.0' },
    ...(firstListReady && { firstListReady }),
  });
  groups.push(group);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const sent: JSONRPCMessage[] = [];
  const send = serverSide.send.bind(serverSide);
  serverSide.send = (message, options) => {
    sent.push(message);
    return send(message, options);
  };
  await group.open().connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  return { client, sent };
}

/** Lets every pending promise and I/O callback run, so a list that does not wait has answered. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('lists wait for what firstListReady gives', () => {
  it('holds tools, resources, templates and prompts lists, then answers with what connected meanwhile', async () => {
    const registry = new VersionedToolRegistry();
    const ready = deferred();
    let waiting: Promise<void> | undefined = ready.promise;
    const { client } = await connect(registry, () => waiting);
    let answered = 0;
    const lists = Promise.all([
      client.listTools(),
      client.listResources(),
      client.listResourceTemplates(),
      client.listPrompts(),
    ]).finally(() => {
      answered += 1;
    });
    await settle();
    expect(answered).toBe(0);

    connectNotes(registry);
    waiting = undefined;
    ready.resolve();
    const [tools, resources, templates, prompts] = await lists;
    expect(tools.tools.map((tool) => tool.name)).toEqual(['notes.search']);
    expect(resources.resources.map((resource) => resource.name)).toEqual(['readme']);
    expect(templates.resourceTemplates.map((template) => template.name)).toEqual(['file']);
    expect(prompts.prompts.map((prompt) => prompt.name)).toEqual(['notes.summarise']);
    // Released: later lists answer at once.
    expect((await client.listTools()).tools).toHaveLength(1);
  });

  it('answers at once when firstListReady gives nothing, or without one', async () => {
    for (const firstListReady of [() => undefined, undefined]) {
      const registry = new VersionedToolRegistry();
      connectNotes(registry);
      const { client } = await connect(registry, firstListReady);
      expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['notes.search']);
      expect((await client.listPrompts()).prompts).toHaveLength(1);
    }
  });

  it('sends no answer to a list the client cancelled while it waited', async () => {
    const registry = new VersionedToolRegistry();
    const ready = deferred();
    const { client, sent } = await connect(registry, () => ready.promise);
    const cancel = new AbortController();
    const listing = client.listTools(undefined, { signal: cancel.signal });
    await settle();
    cancel.abort('user went away');
    await expect(listing).rejects.toThrow();
    await settle();
    const before = sent.length;
    ready.resolve();
    await settle();
    expect(sent.slice(before).filter((message) => 'result' in message || 'error' in message)).toEqual([]);
  });
});
