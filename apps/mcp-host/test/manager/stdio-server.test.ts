import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entry, firstText, mapOf, registryFileOf, STDIO_SERVER, TestBed, toolNames } from './fixtures.js';

let bed: TestBed;
beforeEach(async () => {
  bed = await new TestBed().start();
});
afterEach(() => bed.close());

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM would mean "exists, not ours": only ESRCH proves it is gone.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

describe('a stdio registry-file server', () => {
  it('joins the pipeline beside map connectors, answers calls, and its child exits on disconnect()', async () => {
    const alpha = await bed.demo('alpha');
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
    const registryPath = await registryFileOf(bed, [
      { name: 'local', transport: 'stdio', command: process.execPath, args: [STDIO_SERVER, 'local-1'] },
    ]);
    const { manager, registry } = bed.manager({ stateDir: await bed.tempDir(), registryPath });

    await manager.start();

    expect(toolNames(registry)).toEqual(expect.arrayContaining(['alpha.echo', 'local.echo', 'local.whoami']));
    expect(registry.getTool('local.echo')?.metadata).toMatchObject({
      connectorId: 'local',
      originalName: 'echo',
    });
    const local = manager.status().connectors.find((c) => c.id === 'local');
    expect(local).toMatchObject({
      origin: 'registry-file',
      transport: 'stdio',
      state: 'up',
      endpoint: process.execPath,
      toolCount: 2,
    });
    expect(manager.status().lastSync).toMatchObject({ enabled: 2, failed: 0 });
    expect(firstText(await registry.getTool('local.echo')?.handler({ text: 'hi' }, {}))).toBe('local-1: hi');
    const { pid } = JSON.parse(firstText(await registry.getTool('local.whoami')?.handler({}, {}))) as {
      pid: number;
    };
    expect(pid).not.toBe(process.pid);
    expect(isRunning(pid)).toBe(true);

    await manager.disconnect();

    // The SDK's close waits for the child's 'close' event, so it has exited (and been reaped) by now.
    expect(isRunning(pid)).toBe(false);
  });

  it('stops the child of a server removed from the registry file at the next sync', async () => {
    const registryPath = await registryFileOf(bed, [
      { name: 'local', transport: 'stdio', command: process.execPath, args: [STDIO_SERVER, 'local-2'] },
    ]);
    const { manager, registry } = bed.manager({
      serviceMapUrl: undefined,
      stateDir: await bed.tempDir(),
      registryPath,
    });
    await manager.start();
    const { pid } = JSON.parse(firstText(await registry.getTool('local.whoami')?.handler({}, {}))) as {
      pid: number;
    };

    expect(manager.registryFile?.remove('local')).toBe(true);
    const summary = await manager.refresh();

    expect(summary).toMatchObject({ removed: 1, enabled: 0 });
    expect(toolNames(registry)).toEqual([]);
    expect(isRunning(pid)).toBe(false);
  });
});
