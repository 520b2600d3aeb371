import { expect, it } from 'vitest';
import { hostName, hostUri, promptAsServed, urisAsServed } from './host-form.js';

/** The part of an MCP client (the SDK's, the AI SDK's) these checks drive: resource reads and prompts. */
export interface ReadsAndPrompts {
  readResource(params: { uri: string }): Promise<unknown>;
  listPrompts(): Promise<{ prompts: Array<{ name: string }> }>;
  getPrompt(params: { name: string; arguments?: Record<string, string> }): Promise<unknown>;
}

/**
 * Registers the checks every client with reads and prompts shares: each read, the prompt list and each prompt get
 * answer through the host exactly as directly, in the host's documented form.
 */
export function itReadsAndGetsPromptsAlike(
  clients: () => { direct: ReadsAndPrompts; host: ReadsAndPrompts },
): void {
  it.each(['note:///readme', 'note:///logo.png', 'note:///notes/beta'])(
    'readResource %s: the same contents under the URI asked for',
    async (uri) => {
      const { direct, host } = clients();
      const [upstream, served] = await Promise.all([
        direct.readResource({ uri }),
        host.readResource({ uri: hostUri(uri) }),
      ]);
      expect(served).toEqual(urisAsServed(upstream));
    },
  );

  it('listPrompts: the same prompts under prefixed names', async () => {
    const { direct, host } = clients();
    const [upstream, served] = await Promise.all([direct.listPrompts(), host.listPrompts()]);
    expect(upstream.prompts.length).toBeGreaterThan(0);
    expect(served.prompts).toEqual(upstream.prompts.map(promptAsServed));
  });

  it.each([
    ['summarize', { topic: 'release' }],
    ['with-readme', {}],
  ])('getPrompt %s: the same messages', async (name, args: Record<string, string>) => {
    const { direct, host } = clients();
    const [upstream, served] = await Promise.all([
      direct.getPrompt({ name, arguments: args }),
      host.getPrompt({ name: hostName(name), arguments: args }),
    ]);
    expect(served).toEqual(urisAsServed(upstream));
  });
}
