// The MCP Inspector's CLI (@modelcontextprotocol/inspector-cli, `--cli` mode, Streamable HTTP) run as a child
// process, once against the upstream and once against the host, for every method it offers; the two JSON answers
// must match once the direct one is put in the host's documented form.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hostName, hostUri, promptAsServed, toolAsServed, urisAsServed } from './support/host-form.js';
import { interopBed } from './support/provided.js';

const run = promisify(execFile);
const CLI_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/inspector-cli/package.json')),
  'build',
);
const { upstreamUrl, hostUrl } = interopBed();

/**
 * Runs `mcp-inspector-cli --cli <url> --transport http <args>` and parses the JSON it prints. Its working directory
 * is the CLI's own build folder: inspector-cli 1.0.3 finds its package.json relative to the working directory
 * (`fs.existsSync('../package.json')`), so any other directory makes it fail before connecting.
 */
async function inspect(url: string, args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, ['cli.js', '--cli', url, '--transport', 'http', ...args], {
    cwd: CLI_DIR,
    timeout: 20_000,
    env: { PATH: process.env.PATH ?? '' },
  });
  return JSON.parse(stdout);
}

/** The same method directly and through the host, in parallel. */
function both(directArgs: string[], hostArgs: string[]): Promise<[unknown, unknown]> {
  return Promise.all([inspect(upstreamUrl, directArgs), inspect(hostUrl, hostArgs)]);
}

describe('MCP Inspector CLI through the host', () => {
  it('tools/list: the same tools under prefixed names', async () => {
    const [direct, host] = (await both(['--method', 'tools/list'], ['--method', 'tools/list'])) as Array<{
      tools: Array<{ name: string }>;
    }>;
    expect(direct?.tools.length).toBeGreaterThan(0);
    expect(host).toEqual({ tools: direct?.tools.map(toolAsServed) });
  });

  it.each([
    ['echo', ['text=hello']],
    ['add', ['a=2', 'b=3']],
    ['link', ['id=beta']],
    ['add', ['a=two', 'b=3']],
  ])('tools/call %s %j: the same result (or the same tool error)', async (tool, toolArgs) => {
    const call = (name: string) => ['--method', 'tools/call', '--tool-name', name, '--tool-arg', ...toolArgs];
    const [direct, host] = await both(call(tool), call(hostName(tool)));
    expect(host).toEqual(urisAsServed(direct));
  });

  it('resources/list and resources/templates/list: the same items under prefixed URIs', async () => {
    for (const method of ['resources/list', 'resources/templates/list']) {
      const [direct, host] = await both(['--method', method], ['--method', method]);
      expect(host).toEqual(urisAsServed(direct));
    }
  });

  it.each(['note:///readme', 'note:///logo.png', 'note:///notes/beta'])(
    'resources/read %s: the same contents under the URI asked for',
    async (uri) => {
      const read = (target: string) => ['--method', 'resources/read', '--uri', target];
      const [direct, host] = await both(read(uri), read(hostUri(uri)));
      expect(host).toEqual(urisAsServed(direct));
    },
  );

  it('prompts/list: the same prompts under prefixed names', async () => {
    const [direct, host] = (await both(['--method', 'prompts/list'], ['--method', 'prompts/list'])) as Array<{
      prompts: Array<{ name: string }>;
    }>;
    expect(direct?.prompts.length).toBeGreaterThan(0);
    expect(host).toEqual({ prompts: direct?.prompts.map(promptAsServed) });
  });

  it.each([
    ['summarize', ['--prompt-args', 'topic=release']],
    ['with-readme', []],
  ])(
    'prompts/get %s: the same messages (embedded resources read back through the host)',
    async (name, extra) => {
      const get = (prompt: string) => ['--method', 'prompts/get', '--prompt-name', prompt, ...extra];
      const [direct, host] = await both(get(name), get(hostName(name)));
      expect(host).toEqual(urisAsServed(direct));
    },
  );

  it('logging/setLevel: the same (empty) answer', async () => {
    const setLevel = ['--method', 'logging/setLevel', '--log-level', 'debug'];
    const [direct, host] = await both(setLevel, setLevel);
    expect(host).toEqual(direct);
  });
});
