import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PROMPT_NAMES, startFixtureServer } from '../src/fixture-server.mjs';
import { connectClient, eventually } from './fixture-helpers.mjs';

let fixture;
let client;

beforeAll(async () => {
  fixture = await startFixtureServer({ port: 0, watchedResourceIntervalMs: 20 });
  client = await connectClient(fixture.url);
});

afterAll(async () => {
  await client?.close();
  await fixture?.close();
});

describe('fixture resources', () => {
  it('declares resources (with subscribe), prompts, completions and logging', () => {
    expect(client.getServerCapabilities()).toMatchObject({
      tools: {},
      resources: { subscribe: true },
      prompts: {},
      completions: {},
      logging: {},
    });
  });

  it('lists the static and watched resources, each with a name, a description and a mime type', async () => {
    const { resources } = await client.listResources();
    expect(resources.map((resource) => resource.uri)).toEqual([
      'test://static-text',
      'test://static-binary',
      'test://watched-resource',
    ]);
    for (const resource of resources) expect(resource).toMatchObject({ name: expect.any(String) });
    expect(resources.every((resource) => resource.description && resource.mimeType)).toBe(true);
  });

  it('reads the text resource as text and the binary one as a base64 PNG blob', async () => {
    const { contents: textContents } = await client.readResource({ uri: 'test://static-text' });
    expect(textContents).toEqual([
      {
        uri: 'test://static-text',
        mimeType: 'text/plain',
        text: 'This is the content of the static text resource.',
      },
    ]);
    const [binary] = (await client.readResource({ uri: 'test://static-binary' })).contents;
    expect(binary.mimeType).toBe('image/png');
    expect(Buffer.from(binary.blob, 'base64').subarray(1, 4).toString('ascii')).toBe('PNG');
  });

  it('lists the data template and fills {id} into what it reads', async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate)).toEqual(['test://template/{id}/data']);
    const [item] = (await client.readResource({ uri: 'test://template/123/data' })).contents;
    expect(item.uri).toBe('test://template/123/data');
    expect(JSON.parse(item.text)).toEqual({ id: '123', templateTest: true, data: 'Data for ID: 123' });
  });

  it('answers an unknown URI with the resource-not-found error, on read and on subscribe', async () => {
    await expect(client.readResource({ uri: 'test://nothing' })).rejects.toMatchObject({ code: -32002 });
    await expect(client.subscribeResource({ uri: 'test://nothing' })).rejects.toMatchObject({ code: -32002 });
  });

  it('sends resources/updated for the watched resource while subscribed, and stops after unsubscribe', async () => {
    const updates = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      updates.push(notification.params.uri);
    });
    const before = (await client.readResource({ uri: 'test://watched-resource' })).contents[0].text;
    expect(await client.subscribeResource({ uri: 'test://watched-resource' })).toEqual({});
    await eventually(() => updates.length >= 2);
    expect(new Set(updates)).toEqual(new Set(['test://watched-resource']));
    expect((await client.readResource({ uri: 'test://watched-resource' })).contents[0].text).not.toBe(before);

    expect(await client.unsubscribeResource({ uri: 'test://watched-resource' })).toEqual({});
    // One tick may already be on its way; after that, silence.
    await new Promise((resolve) => setTimeout(resolve, 60));
    const settled = updates.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(updates).toHaveLength(settled);
  });
});

describe('fixture prompts and completion', () => {
  it('lists the four prompts, each with a description', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toEqual(FIXTURE_PROMPT_NAMES);
    expect(FIXTURE_PROMPT_NAMES).toHaveLength(4);
    expect(prompts.every((prompt) => prompt.description)).toBe(true);
  });

  it('returns the simple prompt, and fills arguments into the one that takes them', async () => {
    const simple = await client.getPrompt({ name: 'test_simple_prompt' });
    expect(simple.messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } },
    ]);
    const withArgs = await client.getPrompt({
      name: 'test_prompt_with_arguments',
      arguments: { arg1: 'hello', arg2: 'world' },
    });
    expect(withArgs.messages[0].content.text).toBe("Prompt with arguments: arg1='hello', arg2='world'");
  });

  it('embeds a resource at the given URI, and puts an image before its question', async () => {
    const embedded = await client.getPrompt({
      name: 'test_prompt_with_embedded_resource',
      arguments: { resourceUri: 'test://example-resource' },
    });
    expect(embedded.messages.map((message) => message.content.type)).toEqual(['resource', 'text']);
    expect(embedded.messages[0].content.resource.uri).toBe('test://example-resource');
    const withImage = await client.getPrompt({ name: 'test_prompt_with_image' });
    expect(withImage.messages.map((message) => message.content.type)).toEqual(['image', 'text']);
    expect(withImage.messages[0].content.mimeType).toBe('image/png');
  });

  it('refuses a missing required argument or an unknown prompt with invalid params', async () => {
    await expect(
      client.getPrompt({ name: 'test_prompt_with_arguments', arguments: { arg1: 'x' } }),
    ).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/arg2/) });
    await expect(client.getPrompt({ name: 'no_such_prompt' })).rejects.toMatchObject({ code: -32602 });
  });

  it('completes prompt arguments and the template variable by prefix', async () => {
    const complete = (ref, name, value) => client.complete({ ref, argument: { name, value } });
    const prompt = { type: 'ref/prompt', name: 'test_prompt_with_arguments' };
    expect((await complete(prompt, 'arg1', 'hel')).completion).toEqual({
      values: ['hello', 'help'],
      total: 2,
      hasMore: false,
    });
    expect((await complete(prompt, 'arg1', 'zzz')).completion.values).toEqual([]);
    const template = { type: 'ref/resource', uri: 'test://template/{id}/data' };
    expect((await complete(template, 'id', '12')).completion.values).toEqual(['123', '124']);
  });
});

describe('fixture tools that ask the client', () => {
  let asker;
  const asked = [];
  beforeAll(async () => {
    asker = await connectClient(fixture.url, { capabilities: { sampling: {}, elicitation: {} } });
    asker.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      asked.push(request.params);
      return {
        role: 'assistant',
        content: { type: 'text', text: 'pong' },
        model: 'test',
        stopReason: 'endTurn',
      };
    });
    asker.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params);
      return { action: 'accept', content: { username: 'ada', email: 'ada@example.com' } };
    });
  });
  afterAll(() => asker?.close());

  it('test_sampling sends the prompt to the client and returns its answer', async () => {
    const result = await asker.callTool({ name: 'test_sampling', arguments: { prompt: 'ping?' } });
    expect(result.content[0].text).toBe('LLM response: pong');
    expect(asked.at(-1)).toMatchObject({
      messages: [{ role: 'user', content: { type: 'text', text: 'ping?' } }],
      maxTokens: 100,
    });
  });

  it('test_elicitation asks for a username and an email and reports the answer', async () => {
    const result = await asker.callTool({ name: 'test_elicitation', arguments: { message: 'Who are you?' } });
    expect(result.content[0].text).toMatch(/^User response: action=accept, content=.*ada@example.com/);
    expect(asked.at(-1).requestedSchema.required).toEqual(['username', 'email']);
  });

  it('asks with SEP-1034 defaults and with the five SEP-1330 enum shapes', async () => {
    await asker.callTool({ name: 'test_elicitation_sep1034_defaults' });
    const defaults = asked.at(-1).requestedSchema.properties;
    expect(Object.fromEntries(Object.entries(defaults).map(([key, field]) => [key, field.default]))).toEqual({
      name: 'John Doe',
      age: 30,
      score: 95.5,
      status: 'active',
      verified: true,
    });
    await asker.callTool({ name: 'test_elicitation_sep1330_enums' });
    const enums = asked.at(-1).requestedSchema.properties;
    expect(Object.keys(enums)).toEqual([
      'untitledSingle',
      'titledSingle',
      'legacyEnum',
      'untitledMulti',
      'titledMulti',
    ]);
    expect(enums.titledSingle.oneOf[0]).toEqual({ const: 'value1', title: 'First Option' });
    expect(enums.titledMulti.items.anyOf).toHaveLength(3);
  });

  it('answers with a tool error, not a request, when the client lacks the capability', async () => {
    const result = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'x' } });
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toMatch(/"sampling" capability/);
    expect((await client.callTool({ name: 'test_elicitation_sep1330_enums' })).isError).toBe(true);
  });
});
