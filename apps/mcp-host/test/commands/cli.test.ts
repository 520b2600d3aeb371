import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linesOf, runCli } from './cli-process.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'mcp-host-cli-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const env = { CORTEX_HOME: home, HOME: home };

describe.concurrent('mcp-host help', () => {
  it('lists every command with examples at the top level', async () => {
    const { code, stdout } = await runCli(['--help'], { env });
    expect(code).toBe(0);
    for (const command of ['serve', 'demo', 'tools', 'sign', 'verify', 'servers', 'help']) {
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('mcp-host servers add');
  });

  it.each(['serve', 'demo', 'tools', 'sign', 'verify', 'servers'])(
    'gives "%s" its own help, the same through --help, -h and "help <command>"',
    async (command) => {
      const [long, short, viaHelp] = await Promise.all([
        runCli([command, '--help'], { env }),
        runCli([command, '-h'], { env }),
        runCli(['help', command], { env }),
      ]);
      expect(long.code).toBe(0);
      expect(long.stdout).toContain(`Usage: mcp-host ${command === 'serve' ? '[serve]' : command}`);
      expect(long.stdout).toContain('Examples:');
      expect(short.stdout).toBe(long.stdout);
      expect(viaHelp.stdout).toBe(long.stdout);
    },
  );

  it('documents every setting of serve with its environment variable', async () => {
    const { stdout } = await runCli(['serve', '--help'], { env });
    for (const name of [
      'CONNECTORS_SERVICE_MAP_URL',
      'CONNECTORS_SIGNATURE_KEYS',
      'MCP_CONNECTOR_CONCURRENCY',
      'MCP_HOST_CONFIG',
    ]) {
      expect(stdout).toContain(name);
    }
    expect(stdout).toContain('--stdio');
  });

  it('refuses help for a name that is not a command', async () => {
    const { code, stderr } = await runCli(['help', 'nope'], { env });
    expect(code).toBe(2);
    expect(stderr).toContain('"nope"');
  });
});

describe.concurrent('mcp-host errors', () => {
  it('rejects an unknown command with exit code 2 and suggests the closest one', async () => {
    const { code, stderr } = await runCli(['sever'], { env });
    expect(code).toBe(2);
    expect(linesOf(stderr)).toHaveLength(1);
    expect(stderr).toContain('unknown command "sever"');
    expect(stderr).toContain('mcp-host --help');
    expect(stderr).toMatch(/Did you mean "mcp-host serve"/);
  });

  it('exits 2 with one line naming the setting and the variable for a bad environment value', async () => {
    const { code, stdout, stderr } = await runCli([], { env: { ...env, MCP_CONNECTOR_CONCURRENCY: 'lots' } });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(linesOf(stderr)).toEqual([
      'mcp-host serve: Invalid concurrency "lots" from environment variable MCP_CONNECTOR_CONCURRENCY: expected an integer from 1 to 64.',
    ]);
  });

  it('treats leading flags as flags of serve', async () => {
    const { code, stderr } = await runCli(['--port', 'eighty'], { env });
    expect(code).toBe(2);
    expect(stderr).toContain('mcp-host serve: Invalid port "eighty" from flag --port');
  });

  it('never prints a secret that fails validation', async () => {
    const { code, stderr } = await runCli(['tools'], {
      env: { ...env, CONNECTORS_API_KEY: 'sk-secret\u0001value' },
    });
    expect(code).toBe(2);
    expect(stderr).toContain('apiKey (value hidden)');
    expect(stderr).not.toContain('sk-secret');
  });

  it('rejects an unknown flag of tools in one line', async () => {
    const { code, stderr } = await runCli(['tools', '--json', '--verbose'], { env });
    expect(code).toBe(2);
    expect(linesOf(stderr)).toEqual([
      'mcp-host tools: Unknown flag --verbose for "mcp-host tools"; run "mcp-host tools --help" for the flags.',
    ]);
  });
});
