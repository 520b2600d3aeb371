import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entry, firstText, mapOf, registryFileOf, STDIO_SERVER, TestBed, toolNames } from './fixtures.js';

let bed: TestBed;
beforeEach(async () => {
  bed = await new TestBed().start();
});
afterEach(() => bed.close());

describe('tool namespaces from metadata.namespace', () => {
  it('registers a map connector under its namespace and a registry-file server with namespace "" under bare names', async () => {
    const knowledge = await bed.demo('knowledge');
    bed.publisher.publish(
      mapOf([entry('knowledge', knowledge.streamableUrl, { metadata: { namespace: 'kb' } })]),
    );
    const registryPath = await registryFileOf(bed, [
      {
        name: 'local',
        transport: 'stdio',
        command: process.execPath,
        args: [STDIO_SERVER, 'bare'],
        metadata: { namespace: '' },
      },
    ]);
    const { manager, registry } = bed.manager({ stateDir: await bed.tempDir(), registryPath });

    await manager.start();

    expect(toolNames(registry)).toEqual([
      'echo',
      'kb.add',
      'kb.count',
      'kb.echo',
      'kb.log',
      'kb.wait',
      'whoami',
    ]);
    expect(registry.getTool('kb.echo')?.metadata).toMatchObject({
      connectorId: 'knowledge',
      originalName: 'echo',
      scopes: ['knowledge:read'],
    });
    expect(registry.getTool('echo')?.metadata).toMatchObject({ connectorId: 'local', originalName: 'echo' });
    expect(firstText(await registry.getTool('kb.echo')?.handler({ text: 'hi' }, {}))).toBe('knowledge: hi');
    expect(firstText(await registry.getTool('echo')?.handler({ text: 'hi' }, {}))).toBe('bare: hi');
    expect(knowledge.observations.calls).toEqual([{ tool: 'echo', args: { text: 'hi' } }]);
  });

  it('renames the tools when only the namespace changes, without reconnecting', async () => {
    const knowledge = await bed.demo('knowledge');
    bed.publisher.publish(
      mapOf([entry('knowledge', knowledge.streamableUrl, { metadata: { namespace: 'kb' } })]),
    );
    const { manager, registry } = bed.manager({ stateDir: await bed.tempDir() });
    await manager.start();

    bed.publisher.publish(mapOf([entry('knowledge', knowledge.streamableUrl)]));
    const summary = await manager.refresh();

    expect(summary).toMatchObject({ unchanged: 1, changed: 0 });
    expect(toolNames(registry)).toEqual([
      'knowledge.add',
      'knowledge.count',
      'knowledge.echo',
      'knowledge.log',
      'knowledge.wait',
    ]);
    expect(knowledge.observations.initializations).toBe(1);
    expect(firstText(await registry.getTool('knowledge.echo')?.handler({ text: 'x' }, {}))).toBe(
      'knowledge: x',
    );
  });

  it('serves a persisted catalogue under the namespace after a restart', async () => {
    const knowledge = await bed.demo('knowledge');
    bed.publisher.publish(
      mapOf([entry('knowledge', knowledge.streamableUrl, { metadata: { namespace: 'kb' } })]),
    );
    const stateDir = await bed.tempDir();
    const first = bed.manager({ stateDir });
    await first.manager.start();
    await first.manager.disconnect();
    bed.publisher.setDown(true);

    const { manager, registry } = bed.manager({ stateDir, refreshSync: false });
    await manager.start();

    expect(toolNames(registry)).toContain('kb.echo');
    expect(manager.status().connectors[0]).toMatchObject({ id: 'knowledge', catalogue: 'persisted' });
  });
});
