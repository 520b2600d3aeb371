import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { runCli } from './cli-process.js';

let upstream: DemoConnector;
let home: string;

beforeAll(async () => {
  upstream = await startDemoConnector({ name: 'notes' });
  home = await mkdtemp(join(tmpdir(), 'mcp-host-tools-'));
});
afterAll(async () => {
  await upstream.close();
  await rm(home, { recursive: true, force: true });
});

describe('mcp-host tools', () => {
  it('syncs once and prints the aggregated tool list as JSON, then exits', async () => {
    const env = { CORTEX_HOME: home };
    const added = await runCli(['servers', 'add', 'notes', '--url', upstream.streamableUrl], { env });
    expect(added.code).toBe(0);

    const listed = await runCli(['tools', '--json'], { env });
    expect(listed.code).toBe(0);
    const tools = JSON.parse(listed.stdout) as Array<{
      name: string;
      connectorId: string;
      originalName: string;
    }>;
    expect(tools.map((tool) => tool.name)).toEqual([
      'notes.echo',
      'notes.add',
      'notes.count',
      'notes.wait',
      'notes.log',
    ]);
    expect(tools[0]).toMatchObject({ connectorId: 'notes', originalName: 'echo' });
  });

  it('names an unreachable server on stderr and still exits 0 with what it could list', async () => {
    const env = { CORTEX_HOME: home, MCP_CONNECTOR_CONNECT_TIMEOUT_MS: '2000' };
    expect((await runCli(['servers', 'add', 'gone', '--url', 'http://127.0.0.1:9/mcp'], { env })).code).toBe(
      0,
    );
    const listed = await runCli(['tools'], { env });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('notes.echo');
    expect(listed.stderr).toContain('1 connector(s) unavailable');
  });
});
