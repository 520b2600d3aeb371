import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linesOf, runCli } from './cli-process.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'mcp-host-servers-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let homeCount = 0;
function freshHome() {
  const home = path.join(directory, `home-${homeCount++}`);
  return {
    env: { CORTEX_HOME: home, HOME: directory },
    registryPath: path.join(home, 'mcp', 'servers.json'),
  };
}

function readRegistry(registryPath: string) {
  return JSON.parse(readFileSync(registryPath, 'utf8')) as {
    version: number;
    servers: Record<string, unknown>[];
  };
}

describe('mcp-host servers', () => {
  it('adds, lists and removes servers in the registry file under $CORTEX_HOME', async () => {
    const { env, registryPath } = freshHome();
    const stdio = await runCli(
      [
        'servers',
        'add',
        'files',
        '--command',
        'npx',
        '--arg=-y',
        '--env',
        'TOKEN=env-secret',
        '--',
        'server-fs',
        '/tmp/a b',
      ],
      { env },
    );
    expect(stdio.code, stdio.stderr).toBe(0);
    expect(stdio.stdout).toBe(`Added stdio server "files" (enabled) in ${registryPath}\n`);
    const remote = await runCli(
      [
        'servers',
        'add',
        'docs',
        '--url',
        'https://user:pw@docs.example/mcp',
        '--header',
        'Authorization: Bearer header-secret',
        '--disabled',
      ],
      { env },
    );
    expect(remote.code, remote.stderr).toBe(0);

    expect(readRegistry(registryPath)).toEqual({
      version: 1,
      servers: [
        {
          name: 'docs',
          transport: 'streamable-http',
          enabled: false,
          url: 'https://user:pw@docs.example/mcp',
          headers: { Authorization: 'Bearer header-secret' },
        },
        {
          name: 'files',
          transport: 'stdio',
          enabled: true,
          command: 'npx',
          args: ['-y', 'server-fs', '/tmp/a b'],
          env: { TOKEN: 'env-secret' },
        },
      ],
    });

    const table = await runCli(['servers', 'list'], { env });
    expect(table.code).toBe(0);
    expect(linesOf(table.stdout)).toEqual([
      'NAME   TRANSPORT        ENABLED  TARGET',
      'docs   streamable-http  no       https://docs.example/mcp',
      'files  stdio            yes      npx -y server-fs "/tmp/a b"',
    ]);

    const json = await runCli(['servers', 'list', '--json'], { env });
    expect(JSON.parse(json.stdout)).toEqual([
      {
        name: 'docs',
        transport: 'streamable-http',
        enabled: false,
        url: 'https://docs.example/mcp',
        headerNames: ['Authorization'],
      },
      {
        name: 'files',
        transport: 'stdio',
        enabled: true,
        command: 'npx',
        args: ['-y', 'server-fs', '/tmp/a b'],
        envNames: ['TOKEN'],
      },
    ]);
    for (const output of [table.stdout, json.stdout]) {
      for (const secret of ['env-secret', 'header-secret', 'pw@']) expect(output).not.toContain(secret);
    }

    const removed = await runCli(['servers', 'remove', 'docs'], { env });
    expect(removed).toMatchObject({ code: 0, stdout: `Removed "docs" from ${registryPath}\n` });
    expect(readRegistry(registryPath).servers.map((server) => server.name)).toEqual(['files']);
  });

  it('refuses to overwrite a server unless --replace is given', async () => {
    const { env, registryPath } = freshHome();
    await runCli(['servers', 'add', 'api', '--url', 'http://127.0.0.1:9/mcp'], { env });
    const duplicate = await runCli(
      ['servers', 'add', 'api', '--url', 'http://127.0.0.1:9/sse', '--transport', 'sse'],
      { env },
    );
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('--replace');
    expect(readRegistry(registryPath).servers[0]).toMatchObject({ transport: 'streamable-http' });

    const replaced = await runCli(
      ['servers', 'add', 'api', '--url', 'http://127.0.0.1:9/sse', '--transport', 'sse', '--replace'],
      { env },
    );
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain('Replaced sse server "api"');
    expect(readRegistry(registryPath).servers).toEqual([
      { name: 'api', transport: 'sse', enabled: true, url: 'http://127.0.0.1:9/sse' },
    ]);
  });

  it('uses MCP_REGISTRY_PATH and --registry-path, the flag first', async () => {
    const fromEnv = path.join(directory, 'env-registry.json');
    const fromFlag = path.join(directory, 'flag-registry.json');
    const env = { ...freshHome().env, MCP_REGISTRY_PATH: fromEnv };
    await runCli(['servers', 'add', 'one', '--command', 'one-mcp'], { env });
    await runCli(['servers', 'add', 'two', '--command', 'two-mcp', '--registry-path', fromFlag], { env });
    expect(readRegistry(fromEnv).servers.map((server) => server.name)).toEqual(['one']);
    expect(readRegistry(fromFlag).servers.map((server) => server.name)).toEqual(['two']);
  });

  it('names the field of an invalid entry in one line with exit code 2 and writes nothing', async () => {
    const { env, registryPath } = freshHome();
    const { code, stderr } = await runCli(['servers', 'add', 'bad', '--url', 'ftp://files.example/mcp'], {
      env,
    });
    expect(code).toBe(2);
    expect(linesOf(stderr)).toEqual([
      'mcp-host servers: Invalid MCP server "bad": url: must be an http: or https: URL. Fix the entry and try again.',
    ]);
    const list = await runCli(['servers', 'list'], { env });
    expect(list.stdout).toBe(
      `No servers in ${registryPath}. Add one with: mcp-host servers add <name> --url <url>\n`,
    );
    expect(() => readFileSync(registryPath)).toThrow(/ENOENT/);
  });

  it.each([
    [['servers', 'add', 'x'], '--command <cmd>'],
    [['servers', 'add', 'x', '--command', 'a', '--url', 'http://127.0.0.1/'], 'not both'],
    [['servers', 'add', 'x', '--url', 'http://127.0.0.1/', '--env', 'A=1'], '--env does not apply'],
    [
      ['servers', 'add', 'x', '--command', 'a', '--env', 'no-equals-secret'],
      '--env #1 must look like KEY=VALUE',
    ],
    [['servers', 'add', 'x', '--url', 'http://127.0.0.1/', '--transport', 'ws'], 'streamable-http or sse'],
    [['servers', 'add', '--command', 'a'], 'Missing <name>'],
    [['servers', 'add', 'x', '--command'], 'Flag --command needs a value'],
    [['servers', 'rename', 'x'], 'unknown subcommand "rename"'],
    [['servers', 'list', '--verbose'], 'Unknown flag --verbose'],
  ])('%j is a usage error: exit 2 and one line containing %j', async (args, expected) => {
    const { code, stderr } = await runCli(args, { env: freshHome().env });
    expect(code).toBe(2);
    expect(linesOf(stderr)).toHaveLength(1);
    expect(stderr).toContain(expected);
    expect(stderr).not.toContain('no-equals-secret');
  });

  it('fails with exit code 1 when removing a server that does not exist', async () => {
    const { code, stderr } = await runCli(['servers', 'remove', 'ghost'], { env: freshHome().env });
    expect(code).toBe(1);
    expect(stderr).toContain('no server named "ghost"');
  });
});
