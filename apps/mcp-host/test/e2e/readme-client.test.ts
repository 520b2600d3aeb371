import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The root README's "Connect an MCP client" section shows an SDK client. Docs that cannot drift: run that snippet,
// as printed, against a real `mcp-host demo` process and compare what it prints with the tools the demo lists.
const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));
const README = fileURLToPath(new URL('../../../../README.md', import.meta.url));
const README_URL = 'http://127.0.0.1:3000/mcp';

let demo: ChildProcess;
let demoOutput = '';
let mcpUrl: string;

beforeAll(async () => {
  demo = spawn(process.execPath, [CLI, 'demo'], {
    env: { PATH: process.env.PATH ?? '', MCP_HOST_PORT: '0', MCP_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  mcpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${demoOutput}`)), 20_000);
    demo.stdout?.on('data', (chunk: Buffer) => {
      demoOutput += String(chunk);
      const match = /Point an MCP client at\s+(http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(demoOutput);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    demo.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code}:\n${demoOutput}`));
    });
  });
}, 30_000);

afterAll(async () => {
  if (demo.exitCode === null) {
    const exited = new Promise((resolve) => demo.once('exit', resolve));
    demo.kill('SIGTERM');
    await exited;
  }
});

describe('the README SDK client snippet', () => {
  it('lists, against a running demo host, exactly the tools the demo prints', async () => {
    const blocks = [...readFileSync(README, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    const snippet = blocks.find((block) => block.includes('StreamableHTTPClientTransport'));
    expect(snippet, 'README has a ts block with the SDK client').toBeDefined();
    expect(snippet).toContain(README_URL);
    // Only the port differs: the README names the default, the demo here runs on a free one.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '--eval', (snippet as string).replace(README_URL, mcpUrl)],
      { cwd: APP_DIR, timeout: 20_000 },
    );
    const printedByDemo = [...demoOutput.matchAll(/^\s{2}((?:notes|research)\.\w+)\s/gm)].map((m) => m[1]);
    expect(printedByDemo).toHaveLength(10);
    expect(stdout.trim().split('\n').sort()).toEqual([...printedByDemo].sort());
  });
});
