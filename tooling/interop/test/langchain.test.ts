// LangChain's MCP adapters (@langchain/mcp-adapters `MultiServerMCPClient`, Streamable HTTP): the LangChain tools
// (invoked with a tool call, as an agent does), resources and resource templates, once against the upstream and once
// against the host. `MultiServerMCPClient` has no prompt methods of its own, so prompts are not compared here.
import type { ToolMessage } from '@langchain/core/messages';
import type { DynamicStructuredTool } from '@langchain/core/tools';
import { MultiServerMCPClient } from '@langchain/mcp-adapters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostName, hostUri, urisAsServed } from './support/host-form.js';
import { interopBed } from './support/provided.js';

const { upstreamUrl, hostUrl } = interopBed();
const SERVER = 'demo';
let direct: MultiServerMCPClient;
let host: MultiServerMCPClient;
let directTools: DynamicStructuredTool[];
let hostTools: DynamicStructuredTool[];

const clientOf = (url: string) =>
  new MultiServerMCPClient({ mcpServers: { [SERVER]: { url, transport: 'http' } }, throwOnLoadError: true });

beforeAll(async () => {
  direct = clientOf(upstreamUrl);
  host = clientOf(hostUrl);
  [directTools, hostTools] = await Promise.all([direct.getTools(), host.getTools()]);
});

afterAll(async () => {
  await Promise.allSettled([direct?.close(), host?.close()]);
});

/** What an agent's model is shown of a LangChain tool. */
function modelView(tool: DynamicStructuredTool) {
  return { name: tool.name, description: tool.description, schema: tool.schema };
}

/** Invokes a tool the way an agent does, with a tool call, and keeps what goes back into the conversation. */
async function callTool(tools: DynamicStructuredTool[], name: string, args: Record<string, unknown>) {
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no LangChain tool named ${name}`);
  const message = (await tool.invoke({ type: 'tool_call', id: `call-${name}`, name, args })) as ToolMessage;
  return { content: message.content, artifact: message.artifact, status: message.status, name: message.name };
}

describe('LangChain MCP adapters through the host', () => {
  it('getTools: the same LangChain tools under prefixed names', () => {
    expect(directTools.length).toBeGreaterThan(0);
    const expected = directTools.map((tool) => ({ ...modelView(tool), name: hostName(tool.name) }));
    expect(hostTools.map(modelView)).toEqual(expected);
  });

  it.each([
    ['echo', { text: 'hello' }],
    ['add', { a: 2, b: 3 }],
    ['link', { id: 'beta' }],
  ])('invoke %s with a tool call: the same tool message', async (name, args) => {
    const [fromUpstream, fromHost] = await Promise.all([
      callTool(directTools, name, args),
      callTool(hostTools, hostName(name), args),
    ]);
    expect(fromUpstream.status).toBe('success');
    // LangChain turns a resource_link into a `file` content block whose URI is its `url`.
    expect(fromHost).toEqual({ ...urisAsServed(fromUpstream, ['uri', 'url']), name: hostName(name) });
  });

  it('listResources and listResourceTemplates: the same items under prefixed URIs', async () => {
    const [resources, templates] = await Promise.all([
      Promise.all([direct.listResources(), host.listResources()]),
      Promise.all([direct.listResourceTemplates(), host.listResourceTemplates()]),
    ]);
    expect(resources[0][SERVER]?.length).toBeGreaterThan(0);
    expect(resources[1]).toEqual(urisAsServed(resources[0]));
    expect(templates[0][SERVER]?.length).toBeGreaterThan(0);
    expect(templates[1]).toEqual(urisAsServed(templates[0]));
  });

  it.each(['note:///readme', 'note:///logo.png', 'note:///notes/beta'])(
    'readResource %s: the same contents under the URI asked for',
    async (uri) => {
      const [upstream, served] = await Promise.all([
        direct.readResource(SERVER, uri),
        host.readResource(SERVER, hostUri(uri)),
      ]);
      expect(upstream.length).toBeGreaterThan(0);
      expect(served).toEqual(urisAsServed(upstream));
    },
  );
});
