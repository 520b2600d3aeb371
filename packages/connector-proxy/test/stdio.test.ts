import { fileURLToPath } from 'node:url';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteToolProxy } from '../src/index.js';
import { waitUntil } from './helpers/wait.js';

const FIXTURE = fileURLToPath(new URL('./helpers/stdio-server.mjs', import.meta.url));
let proxy: RemoteToolProxy | undefined;

afterEach(async () => {
  await proxy?.disconnect();
  proxy = undefined;
});

function whoami(result: { content: unknown[] }): { label: string; pid: number; env: string | null } {
  const [first] = result.content as Array<{ text: string }>;
  return JSON.parse(first?.text ?? '{}');
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('stdio transport', () => {
  it('runs the command with its args and env and calls its tools', async () => {
    const stderr: object[] = [];
    proxy = new RemoteToolProxy({
      id: 'local',
      transport: 'stdio',
      command: process.execPath,
      args: [FIXTURE, 'label-1'],
      env: { FIXTURE_ENV: 'from-options' },
      logger: { warn: () => {}, debug: (fields) => stderr.push(fields) },
    });
    await proxy.connect();
    expect((await proxy.getTools()).map((tool) => tool.name)).toEqual(['echo', 'whoami', 'crash']);
    expect(proxy.protocolVersion).toBe(LATEST_PROTOCOL_VERSION);
    const me = whoami(await proxy.callTool('whoami'));
    expect(me).toMatchObject({ label: 'label-1', env: 'from-options' });
    expect((await proxy.callTool('echo', { text: 'hi' })).content).toEqual([{ type: 'text', text: 'hi' }]);
    await waitUntil(() => stderr.length > 0, 5_000, 'stderr line');
    expect(stderr[0]).toMatchObject({ connectorId: 'local', stderr: 'stdio fixture label-1 started' });

    await proxy.disconnect();
    expect(proxy.protocolVersion).toBeUndefined();
    await waitUntil(() => !isRunning(me.pid), 5_000, 'child exit');
    expect(isRunning(me.pid)).toBe(false);
  });

  it('respawns the server after it exits, with availability going down then up', async () => {
    const availability: boolean[] = [];
    proxy = new RemoteToolProxy({
      id: 'crashy',
      transport: 'stdio',
      command: process.execPath,
      args: [FIXTURE, 'crashy'],
      reconnect: { initialDelayMs: 10, maxDelayMs: 50, factor: 2 },
      onAvailabilityChange: (up) => availability.push(up),
    });
    await proxy.connect();
    const first = whoami(await proxy.callTool('whoami'));
    await proxy.callTool('crash');
    await waitUntil(() => availability.length === 3, 10_000, 'down then up');
    expect(availability).toEqual([true, false, true]);
    const second = whoami(await proxy.callTool('whoami'));
    expect(second.pid).not.toBe(first.pid);
  });

  it('fails connect with unavailable when the command cannot start', async () => {
    proxy = new RemoteToolProxy({ id: 'missing', transport: 'stdio', command: '/nonexistent/mcp-server' });
    await expect(proxy.connect()).rejects.toMatchObject({ code: 'unavailable', connectorId: 'missing' });
    expect(proxy.state).toBe('idle');
  });
});
