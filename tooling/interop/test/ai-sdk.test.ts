// The Vercel AI SDK's MCP client (@ai-sdk/mcp `createMCPClient`, its own Streamable HTTP transport): the AI SDK
// tool set (called through each tool's `execute`, as a model's tool call would be), resources, templates and prompts,
// once against the upstream and once against the host; the answers must match in the host's documented form.
import { createMCPClient, type MCPClient } from '@ai-sdk/mcp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostName, hostUri, toolAsServed, urisAsServed } from './support/host-form.js';
import { interopBed } from './support/provided.js';
import { itReadsAndGetsPromptsAlike } from './support/reads-and-prompts.js';

const { upstreamUrl, hostUrl } = interopBed();
let direct: MCPClient;
let host: MCPClient;

beforeAll(async () => {
  const clients = await Promise.all(
    [upstreamUrl, hostUrl].map((url) => createMCPClient({ transport: { type: 'http', url } })),
  );
  [direct, host] = clients as [MCPClient, MCPClient];
});

afterAll(async () => {
  await Promise.allSettled([direct?.close(), host?.close()]);
});

type AiSdkTool = Awaited<ReturnType<MCPClient['tools']>>[string];

/** What a model sees of an AI SDK tool: its description and the JSON Schema of its input. */
function modelView(tool: AiSdkTool) {
  return {
    description: tool.description,
    inputSchema: (tool.inputSchema as { jsonSchema: unknown }).jsonSchema,
  };
}

describe('Vercel AI SDK MCP client through the host', () => {
  it('negotiates the same protocol version with both, and sees tools, resources and prompts', () => {
    expect(host.initializeResult.protocolVersion).toBe(direct.initializeResult.protocolVersion);
    for (const feature of ['tools', 'resources', 'prompts'] as const) {
      expect(host.initializeResult.capabilities[feature]).toBeDefined();
    }
  });

  it('listTools: the same tools under prefixed names', async () => {
    const [upstream, served] = await Promise.all([direct.listTools(), host.listTools()]);
    expect(upstream.tools.length).toBeGreaterThan(0);
    expect(served.tools).toEqual(upstream.tools.map(toolAsServed));
  });

  it('tools(): the same AI SDK tool set under prefixed names', async () => {
    const [upstream, served] = await Promise.all([direct.tools(), host.tools()]);
    const expected = Object.entries(upstream).map(([name, tool]) => [hostName(name), modelView(tool)]);
    const actual = Object.entries(served).map(([name, tool]) => [name, modelView(tool)]);
    expect(actual.sort()).toEqual(expected.sort());
  });

  it.each([
    ['echo', { text: 'hello' }],
    ['add', { a: 2, b: 3 }],
    ['link', { id: 'beta' }],
    ['add', { a: 'two', b: 3 }],
  ])(
    'execute %s %j through the AI SDK tool: the same result (or the same tool error)',
    async (name, input) => {
      const [upstream, served] = await Promise.all([direct.tools(), host.tools()]);
      const options = { toolCallId: `call-${name}`, messages: [], context: {} };
      const [fromUpstream, fromHost] = await Promise.all([
        upstream[name]?.execute(input, options),
        served[hostName(name)]?.execute(input, options),
      ]);
      expect(fromUpstream).toBeDefined();
      expect(fromHost).toEqual(urisAsServed(fromUpstream));
    },
  );

  it('listResources and listResourceTemplates: the same items under prefixed URIs', async () => {
    const [resources, templates] = await Promise.all([
      Promise.all([direct.listResources(), host.listResources()]),
      Promise.all([direct.listResourceTemplates(), host.listResourceTemplates()]),
    ]);
    expect(resources[0].resources.length).toBeGreaterThan(0);
    expect(resources[1].resources).toEqual(urisAsServed(resources[0].resources));
    expect(templates[0].resourceTemplates.length).toBeGreaterThan(0);
    expect(templates[1].resourceTemplates).toEqual(urisAsServed(templates[0].resourceTemplates));
  });

  itReadsAndGetsPromptsAlike(() => ({ direct, host }));

  it('complete: the same values for a prompt argument and a template variable', async () => {
    const argument = { name: 'topic', value: 're' };
    const [fromUpstream, fromHost] = await Promise.all([
      direct.complete({ ref: { type: 'ref/prompt', name: 'summarize' }, argument }),
      host.complete({ ref: { type: 'ref/prompt', name: hostName('summarize') }, argument }),
    ]);
    expect(fromUpstream.completion.values.length).toBeGreaterThan(0);
    expect(fromHost).toEqual(fromUpstream);
    const variable = { name: 'id', value: 'be' };
    const template = 'note:///notes/{id}';
    const [variableUpstream, variableHost] = await Promise.all([
      direct.complete({ ref: { type: 'ref/resource', uri: template }, argument: variable }),
      host.complete({ ref: { type: 'ref/resource', uri: hostUri(template) }, argument: variable }),
    ]);
    expect(variableUpstream.completion.values).toEqual(['beta']);
    expect(variableHost).toEqual(variableUpstream);
  });
});
