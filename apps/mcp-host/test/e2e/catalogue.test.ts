// Issue 15: the whole server surface through real host processes. Two demo upstreams (one over Streamable HTTP, one
// over the legacy SSE transport) serve the same resource URIs, templates and prompt names, so every prefix mode has
// collisions to resolve; a real SDK client reads, gets, completes and subscribes through the host, over HTTP and
// stdio, and what the upstreams saw is counted at the upstreams.

import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { MapPublisher } from '../../src/demo/map-publisher.js';
import { type CatalogueClient, connectCatalogueClient } from './helpers/catalogue-client.js';
import { connectStdio, type E2eStdioClient } from './helpers/clients.js';
import { tempCortexHome } from './helpers/host-observation.js';
import { type HostProcess, startHostProcess } from './helpers/host-process.js';
import { entry, mapOf } from './helpers/maps.js';
import { waitFor } from './helpers/wait.js';

type PrefixMode = 'always' | 'conditional' | 'never';

let alpha: DemoConnector;
let beta: DemoConnector;
const publisher = new MapPublisher();
const homes: Array<{ remove: () => Promise<void> }> = [];
const hosts = new Map<PrefixMode, HostProcess>();
const clients: CatalogueClient[] = [];
let stdioClient: E2eStdioClient;
let mapUrl = '';

async function hostEnv(prefix: PrefixMode): Promise<Record<string, string>> {
  const home = await tempCortexHome();
  homes.push(home);
  return {
    CORTEX_HOME: home.dir,
    CONNECTORS_SERVICE_MAP_URL: mapUrl,
    CONNECTORS_SIGNATURE_KEY: publisher.signatureKey,
    MCP_NAME_PREFIX: prefix,
    MCP_CONNECTOR_CONNECT_TIMEOUT_MS: '5000',
    MCP_TOOL_CALL_TIMEOUT_MS: '20000',
  };
}

async function clientOf(prefix: PrefixMode): Promise<CatalogueClient> {
  const client = await connectCatalogueClient(`${(hosts.get(prefix) as HostProcess).baseUrl}/mcp`);
  clients.push(client);
  return client;
}

/** Waits until the host lists both connectors' prompts (both connected and listed). */
async function bothListed(client: CatalogueClient['client'], expectedPrompts: number): Promise<void> {
  await waitFor('both connectors listed', async () => {
    const { prompts } = await client.listPrompts();
    return prompts.length >= expectedPrompts ? true : undefined;
  });
}

function textOf(result: { contents: Array<Record<string, unknown>> }): unknown {
  return result.contents[0]?.text;
}

beforeAll(async () => {
  [alpha, beta, mapUrl] = await Promise.all([
    startDemoConnector({ name: 'alpha', instructions: 'Alpha keeps the team notes.', catalogueTools: true }),
    startDemoConnector({ name: 'beta', catalogueTools: true }),
    publisher.listen(),
  ]);
  publisher.publish(mapOf([entry('alpha', alpha.streamableUrl), entry('beta', beta.sseUrl)], 300));
  const modes: PrefixMode[] = ['always', 'conditional', 'never'];
  const started = await Promise.all(modes.map(async (mode) => startHostProcess(await hostEnv(mode))));
  for (const [index, mode] of modes.entries()) hosts.set(mode, started[index] as HostProcess);
  stdioClient = await connectStdio({ ...(await hostEnv('always')), MCP_CONNECTOR_REFRESH_SYNC: 'true' });
});

afterAll(async () => {
  await Promise.allSettled([...clients.map((client) => client.close()), stdioClient?.close()]);
  await Promise.allSettled([...hosts.values()].map((host) => host.stop()));
  await Promise.allSettled([alpha?.close(), beta?.close(), publisher.close()]);
  await Promise.all(homes.map((home) => home.remove()));
});

describe('prefix "always": every item names its connector', () => {
  it('lists both connectors’ resources, templates and prompts under prefixed names, items unchanged', async () => {
    const { client } = await clientOf('always');
    await bothListed(client, 4);
    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.uri).sort()).toEqual([
      'alpha+note:///logo.png',
      'alpha+note:///readme',
      'beta+note:///logo.png',
      'beta+note:///readme',
    ]);
    expect(resources.find((resource) => resource.uri === 'alpha+note:///readme')).toMatchObject({
      name: 'readme',
      title: 'About alpha',
      mimeType: 'text/markdown',
      icons: [{ src: 'https://example.com/readme.png', mimeType: 'image/png' }],
      _meta: { 'demo/kind': 'readme' },
    });
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate).sort()).toEqual([
      'alpha+note:///notes/{id}',
      'beta+note:///notes/{id}',
    ]);
    const { prompts } = await client.listPrompts();
    expect(prompts.map((prompt) => prompt.name).sort()).toEqual([
      'alpha.summarize',
      'alpha.with-readme',
      'beta.summarize',
      'beta.with-readme',
    ]);
  });

  it('reads text, binary and template resources of each connector, under the URI asked for', async () => {
    const { client } = await clientOf('always');
    await bothListed(client, 4);
    const readme = await client.readResource({ uri: 'beta+note:///readme' });
    expect(readme.contents).toEqual([
      { uri: 'beta+note:///readme', mimeType: 'text/markdown', text: '# beta\nA demo MCP server.' },
    ]);
    const logo = await client.readResource({ uri: 'alpha+note:///logo.png' });
    expect(logo.contents[0]).toMatchObject({ uri: 'alpha+note:///logo.png', mimeType: 'image/png' });
    expect(typeof (logo.contents[0] as { blob?: unknown }).blob).toBe('string');
    expect(textOf(await client.readResource({ uri: 'alpha+note:///notes/gamma' }))).toBe('alpha note gamma');
  });

  it('gets prompts with arguments; a URI inside a prompt message reads back through the host', async () => {
    const { client } = await clientOf('always');
    await bothListed(client, 4);
    const summary = await client.getPrompt({ name: 'beta.summarize', arguments: { topic: 'the release' } });
    expect(summary.messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'beta: summarize the release' } },
    ]);
    const withReadme = await client.getPrompt({ name: 'alpha.with-readme' });
    const content = withReadme.messages[0]?.content as { type: string; resource: { uri: string } };
    expect(content.resource.uri).toBe('alpha+note:///readme');
    expect(textOf(await client.readResource({ uri: content.resource.uri }))).toBe(
      '# alpha\nA demo MCP server.',
    );
  });

  it('routes completion by its reference to the connector that owns the prompt or template', async () => {
    const { client } = await clientOf('always');
    await bothListed(client, 4);
    const topics = await client.complete({
      ref: { type: 'ref/prompt', name: 'alpha.summarize' },
      argument: { name: 'topic', value: 're' },
    });
    expect(topics.completion.values).toEqual(['release', 'retro']);
    const ids = await client.complete({
      ref: { type: 'ref/resource', uri: 'beta+note:///notes/{id}' },
      argument: { name: 'id', value: 'g' },
    });
    expect(ids.completion.values).toEqual(['gamma']);
  });

  it('a resource_link returned by a tool reads back through the host', async () => {
    const { client } = await clientOf('always');
    await bothListed(client, 4);
    const result = await client.callTool({ name: 'beta.link', arguments: { id: 'release-plan' } });
    const link = (result.content as Array<{ type: string; uri?: string }>).find(
      (item) => item.type === 'resource_link',
    );
    expect(link?.uri).toBe('beta+note:///notes/release-plan');
    expect(textOf(await client.readResource({ uri: link?.uri as string }))).toBe('beta note release-plan');
  });

  it('an unknown resource is -32002 and an unknown prompt is -32602, at once', async () => {
    const { client } = await clientOf('always');
    await expect(client.readResource({ uri: 'gamma+note:///readme' })).rejects.toMatchObject({
      code: -32002,
    });
    await expect(client.readResource({ uri: 'note:///readme' })).rejects.toMatchObject({ code: -32002 });
    await expect(client.getPrompt({ name: 'alpha.nope' })).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
    });
    await expect(client.readResource({ uri: 'alpha+note:///missing' })).rejects.toBeInstanceOf(McpError);
  });

  it('composes the upstreams’ instructions under each connector’s name', async () => {
    const { client } = await clientOf('always');
    expect(client.getInstructions()).toContain('## alpha\nAlpha keeps the team notes.');
    expect(client.getServerCapabilities()).toMatchObject({
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
      completions: {},
    });
  });
});

describe('subscriptions are shared per upstream resource and reach only their subscribers', () => {
  it('one upstream subscription for two sessions; updates only to them; gone when the last session closes', async () => {
    const [first, second, bystander] = [
      await clientOf('always'),
      await clientOf('always'),
      await clientOf('always'),
    ];
    await bothListed(first.client, 4);
    await first.client.subscribeResource({ uri: 'alpha+note:///readme' });
    await second.client.subscribeResource({ uri: 'alpha+note:///readme' });
    expect(alpha.activeSubscriptions()).toEqual({ 'note:///readme': 1 });

    await bystander.client.callTool({ name: 'alpha.touch', arguments: { uri: 'note:///readme' } });
    await waitFor('both subscribers told', () =>
      first.heard().updated.length === 1 && second.heard().updated.length === 1 ? true : undefined,
    );
    expect(first.heard().updated).toEqual(['alpha+note:///readme']);
    expect(bystander.heard().updated).toEqual([]);

    await first.client.unsubscribeResource({ uri: 'alpha+note:///readme' });
    expect(alpha.activeSubscriptions()).toEqual({ 'note:///readme': 1 });
    await second.terminate();
    await waitFor('the upstream subscription ended', () =>
      Object.keys(alpha.activeSubscriptions()).length === 0 ? true : undefined,
    );
  });
});

describe('list changes of upstreams reach clients once', () => {
  it('resources/list_changed and prompts/list_changed of an upstream arrive once each', async () => {
    const watcher = await clientOf('conditional');
    await bothListed(watcher.client, 4);
    await watcher.client.callTool({ name: 'alpha.add-note', arguments: { id: 'solo' } });
    await waitFor('the added note listed', async () => {
      const { resources } = await watcher.client.listResources();
      return resources.some((resource) => resource.uri === 'note:///added/solo') ? true : undefined;
    });
    await watcher.client.callTool({ name: 'alpha.add-prompt', arguments: { name: 'solo-prompt' } });
    await waitFor('the added prompt listed', async () => {
      const { prompts } = await watcher.client.listPrompts();
      return prompts.some((prompt) => prompt.name === 'solo-prompt') ? true : undefined;
    });
    // A round trip after both changes: any second notification would have arrived before its answer.
    await watcher.client.ping();
    expect(watcher.heard()).toMatchObject({ resources: 1, prompts: 1 });
    expect(textOf(await watcher.client.readResource({ uri: 'note:///added/solo' }))).toBe('added note solo');
  });
});

describe('prefix "conditional" and "never"', () => {
  it('conditional prefixes only what two connectors both serve', async () => {
    const { client } = await clientOf('conditional');
    await bothListed(client, 4);
    const { prompts } = await client.listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toEqual(
      expect.arrayContaining(['alpha.summarize', 'beta.summarize']),
    );
    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.uri)).toEqual(
      expect.arrayContaining(['alpha+note:///readme', 'beta+note:///readme']),
    );
    expect(textOf(await client.readResource({ uri: 'beta+note:///notes/alpha' }))).toBe('beta note alpha');
  });

  it('never keeps upstream names: one owner per colliding name, and it answers', async () => {
    const { client } = await clientOf('never');
    await waitFor('the first connector listed', async () => {
      const { prompts } = await client.listPrompts();
      return prompts.length >= 2 ? true : undefined;
    });
    const { prompts } = await client.listPrompts();
    expect(prompts.filter((prompt) => prompt.name === 'summarize')).toHaveLength(1);
    const { resources } = await client.listResources();
    expect(resources.filter((resource) => resource.uri === 'note:///readme')).toHaveLength(1);
    const readme = await client.readResource({ uri: 'note:///readme' });
    expect(readme.contents[0]?.uri).toBe('note:///readme');
    expect(String(textOf(readme))).toMatch(/^# (alpha|beta)\n/);
    const ids = await client.complete({
      ref: { type: 'ref/resource', uri: 'note:///notes/{id}' },
      argument: { name: 'id', value: 'rel' },
    });
    expect(ids.completion.values).toEqual(['release-plan']);
  });
});

describe('over stdio', () => {
  it('lists, reads, gets and completes through a stdio host', async () => {
    const { client } = stdioClient;
    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.uri)).toContain('alpha+note:///readme');
    expect(textOf(await client.readResource({ uri: 'alpha+note:///notes/beta' }))).toBe('alpha note beta');
    const prompt = await client.getPrompt({ name: 'alpha.summarize', arguments: { topic: 'stdio' } });
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'alpha: summarize stdio' });
    const topics = await client.complete({
      ref: { type: 'ref/prompt', name: 'beta.summarize' },
      argument: { name: 'topic', value: 'ro' },
    });
    expect(topics.completion.values).toEqual(['roadmap']);
  });
});
