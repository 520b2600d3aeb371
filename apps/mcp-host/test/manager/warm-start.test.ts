import { spawnSync } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DemoConnector } from '../../src/demo/demo-connector.js';
import { STATE_FILES } from '../../src/state/index.js';
import { entry, mapOf, TestBed, toolNames } from './fixtures.js';

let bed: TestBed;
let alpha: DemoConnector;
let stateDir: string;

beforeEach(async () => {
  bed = await new TestBed().start();
  alpha = await bed.demo('alpha');
  stateDir = await bed.tempDir();
  bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
  const first = bed.manager({ stateDir, refreshSync: false });
  await first.manager.start();
  await first.manager.refresh();
  await first.manager.disconnect();
  await alpha.close();
});
afterEach(() => bed.close());

type TextResult = { isError?: boolean; content: { text: string }[] };

describe('warm start', () => {
  it('lists the persisted catalogue right after start() while the connector is unreachable', async () => {
    bed.publisher.setDown(true);
    const { manager, registry } = bed.manager({ stateDir, refreshSync: false, callTimeoutMs: 200 });

    await manager.start();

    expect(manager.ready).toBe(true);
    expect(toolNames(registry)).toEqual([
      'alpha.add',
      'alpha.count',
      'alpha.echo',
      'alpha.log',
      'alpha.wait',
    ]);
    expect(manager.status().connectors[0]).toMatchObject({
      id: 'alpha',
      catalogue: 'persisted',
      available: false,
    });
    expect(manager.status().map.source).toBe('persisted');

    const result = (await registry.getTool('alpha.echo')?.handler({ text: 'hi' }, {})) as TextResult;
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toMatch(/Connector "alpha" is unavailable/);
  });

  it('lets a waiting call succeed when the connector comes back within the call timeout', async () => {
    const { manager, registry } = bed.manager({ stateDir, refreshSync: false, callTimeoutMs: 10_000 });
    await manager.start();

    const call = registry.getTool('alpha.echo')?.handler({ text: 'back' }, {});
    await manager.refresh(); // the sync's connect fails: the port is closed
    expect(manager.status().connectors[0]?.available).toBe(false);
    const revived = await bed.demo('alpha', alpha.port);

    expect(await call).toEqual({ content: [{ type: 'text', text: 'alpha: back' }] });
    expect(revived.observations.calls).toEqual([{ tool: 'echo', args: { text: 'back' } }]);
    expect(manager.status().connectors[0]).toMatchObject({ state: 'up', catalogue: 'live' });
  });

  it('ignores a persisted map that does not verify with the configured keys', async () => {
    bed.publisher.setDown(true);
    const { manager, registry, logs } = bed.manager({ stateDir, signatureKeys: ['rotated-away'] });

    await manager.start();

    expect(manager.ready).toBe(false);
    expect(toolNames(registry)).toEqual([]);
    expect(logs.some((line) => line.level === 40 && /does not verify/.test(line.msg))).toBe(true);
  });

  it('ignores a corrupt catalogue file with a warning instead of crashing', async () => {
    await writeFile(join(stateDir, STATE_FILES.catalogue), '{ not json');
    bed.publisher.setDown(true);
    const { manager, registry, logs } = bed.manager({ stateDir, refreshSync: false });

    await manager.start();

    expect(manager.ready).toBe(true);
    expect(toolNames(registry)).toEqual([]);
    expect(logs.some((line) => line.level === 40 && /corrupt/.test(line.msg))).toBe(true);
  });

  it("removes temp files of a writer that died mid-write, and keeps a live writer's", async () => {
    // A pid that is surely dead: a child that has already exited.
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const orphan = `${STATE_FILES.catalogue}.tmp-${deadPid}-1`;
    const live = `${STATE_FILES.catalogue}.tmp-${process.ppid}-1`;
    await writeFile(join(stateDir, orphan), '{"half":');
    await writeFile(join(stateDir, live), '{"in progress":');
    bed.publisher.setDown(true);
    const { manager } = bed.manager({ stateDir, refreshSync: false });

    await manager.start();

    const names = await readdir(stateDir);
    expect(names).not.toContain(orphan);
    expect(names).toContain(live);
  });
});
