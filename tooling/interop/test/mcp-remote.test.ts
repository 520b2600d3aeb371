// mcp-remote, the stdio↔remote bridge desktop clients use to reach an HTTP MCP server, run as a child process and
// driven over stdio by the official SDK client: once bridging to the upstream, once to the host. No OAuth happens
// (neither endpoint asks for it); its HOME and config folder are a temp folder, so it writes nowhere else.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostName, hostUri, toolAsServed, urisAsServed } from './support/host-form.js';
import { interopBed } from './support/provided.js';
import { itReadsAndGetsPromptsAlike } from './support/reads-and-prompts.js';

const MCP_REMOTE = join(
  dirname(createRequire(import.meta.url).resolve('mcp-remote/package.json')),
  'dist',
  'proxy.js',
);
const { upstreamUrl, hostUrl } = interopBed();
let home: string;
let direct: Client;
let host: Client;
const stderr = new Map<string, string>();

/** An SDK client talking over stdio to `node mcp-remote/dist/proxy.js <url>`. */
async function throughMcpRemote(url: string): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MCP_REMOTE, url],
    env: { PATH: process.env.PATH ?? '', HOME: home, MCP_REMOTE_CONFIG_DIR: join(home, '.mcp-auth') },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr.set(url, ((stderr.get(url) ?? '') + String(chunk)).slice(-4_000));
  });
  const client = new Client({ name: 'cortex-interop', version: '1.0.0' });
  try {
    await client.connect(transport, { timeout: 20_000 });
  } catch (error) {
    await client.close();
    throw new Error(`mcp-remote did not connect to ${url}: ${String(error)}\n${stderr.get(url) ?? ''}`);
  }
  return client;
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'cortex-interop-mcp-remote-'));
  [direct, host] = await Promise.all([throughMcpRemote(upstreamUrl), throughMcpRemote(hostUrl)]);
});

afterAll(async () => {
  await Promise.allSettled([direct?.close(), host?.close()]);
  if (home) await rm(home, { recursive: true, force: true });
});

describe('mcp-remote (stdio bridge) through the host', () => {
  it('listTools: the same tools under prefixed names', async () => {
    const [upstream, served] = await Promise.all([direct.listTools(), host.listTools()]);
    expect(upstream.tools.length).toBeGreaterThan(0);
    expect(served.tools).toEqual(upstream.tools.map(toolAsServed));
  });

  it.each([
    ['echo', { text: 'hello' }],
    ['add', { a: 2, b: 3 }],
    ['link', { id: 'beta' }],
    ['add', { a: 'two', b: 3 }],
  ])('callTool %s %j: the same result (or the same tool error)', async (name, args) => {
    const [upstream, served] = await Promise.all([
      direct.callTool({ name, arguments: args }),
      host.callTool({ name: hostName(name), arguments: args }),
    ]);
    expect(served).toEqual(urisAsServed(upstream));
  });

  it('listResources and listResourceTemplates: the same items under prefixed URIs', async () => {
    const [resources, templates] = await Promise.all([
      Promise.all([direct.listResources(), host.listResources()]),
      Promise.all([direct.listResourceTemplates(), host.listResourceTemplates()]),
    ]);
    expect(resources[0].resources.length).toBeGreaterThan(0);
    expect(resources[1]).toEqual(urisAsServed(resources[0]));
    expect(templates[0].resourceTemplates.length).toBeGreaterThan(0);
    expect(templates[1]).toEqual(urisAsServed(templates[0]));
  });

  itReadsAndGetsPromptsAlike(() => ({ direct, host }));

  it('complete: the same values for a prompt argument and a template variable', async () => {
    const argument = { name: 'topic', value: 're' };
    const prompt = await Promise.all([
      direct.complete({ ref: { type: 'ref/prompt', name: 'summarize' }, argument }),
      host.complete({ ref: { type: 'ref/prompt', name: hostName('summarize') }, argument }),
    ]);
    expect(prompt[0].completion.values.length).toBeGreaterThan(0);
    expect(prompt[1]).toEqual(prompt[0]);
    const variable = { name: 'id', value: 'be' };
    const template = await Promise.all([
      direct.complete({ ref: { type: 'ref/resource', uri: 'note:///notes/{id}' }, argument: variable }),
      host.complete({
        ref: { type: 'ref/resource', uri: hostUri('note:///notes/{id}') },
        argument: variable,
      }),
    ]);
    expect(template[0].completion.values).toEqual(['beta']);
    expect(template[1]).toEqual(template[0]);
  });
});
