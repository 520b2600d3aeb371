import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DemoConnector } from '../../src/demo/demo-connector.js';
import { entry, mapOf, metricValue, TestBed, toolNames } from './fixtures.js';

let bed: TestBed;
let alpha: DemoConnector;
let beta: DemoConnector;
beforeEach(async () => {
  bed = await new TestBed().start();
  [alpha, beta] = await Promise.all([bed.demo('alpha'), bed.demo('beta')]);
});
afterEach(() => bed.close());

async function startedWith(...entries: ReturnType<typeof entry>[]) {
  bed.publisher.publish(mapOf(entries));
  const started = bed.manager({ stateDir: await bed.tempDir() });
  await started.manager.start();
  return started;
}

describe('reconciliation', () => {
  it('connects an added connector and bumps the registry version once for it', async () => {
    const { manager, registry } = await startedWith(entry('alpha', alpha.streamableUrl));
    const versionBefore = registry.version;
    const events: string[][] = [];
    registry.onChange((event) => {
      events.push([...event.added]);
    });

    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl), entry('beta', beta.streamableUrl)]));
    const summary = await manager.refresh();

    expect(summary).toMatchObject({ added: 1, removed: 0, changed: 0, unchanged: 1, failed: 0 });
    expect(registry.version).toBe(versionBefore + 1);
    expect(events).toHaveLength(1);
    expect(toolNames(registry)).toContain('beta.echo');
    expect(alpha.observations.initializations).toBe(1);
  });

  it('disconnects a removed connector and unregisters its tools', async () => {
    const { manager, registry, metrics } = await startedWith(
      entry('alpha', alpha.streamableUrl),
      entry('beta', beta.streamableUrl),
    );
    const oldHandler = registry.getTool('beta.echo')?.handler;

    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
    const summary = await manager.refresh();

    expect(summary).toMatchObject({ removed: 1, unchanged: 1 });
    expect(toolNames(registry).filter((name) => name.startsWith('beta.'))).toEqual([]);
    expect(manager.status().connectors.map((c) => c.id)).toEqual(['alpha']);
    expect(await metricValue(metrics, 'mcp_connector_available', { connector_id: 'beta' })).toBeUndefined();
    const late = (await oldHandler?.({ text: 'x' }, {})) as {
      isError?: boolean;
      content: { text: string }[];
    };
    expect(late.isError).toBe(true);
    expect(late.content[0]?.text).toContain('"beta"');
    expect(beta.observations.calls).toEqual([]);
  });

  it('treats a disabled connector like a removed one', async () => {
    const { manager, registry } = await startedWith(
      entry('alpha', alpha.streamableUrl),
      entry('beta', beta.sseUrl),
    );

    bed.publisher.publish(
      mapOf([entry('alpha', alpha.streamableUrl), entry('beta', beta.sseUrl, { status: 'disabled' })]),
    );
    await manager.refresh();

    expect(toolNames(registry).some((name) => name.startsWith('beta.'))).toBe(false);
    expect(manager.status().connectors.find((c) => c.id === 'beta')?.state).toBe('disabled');
  });

  it('reconnects a connector whose endpoint or version changed', async () => {
    const { manager, registry } = await startedWith(entry('alpha', alpha.streamableUrl));
    const versionBefore = registry.version;

    bed.publisher.publish(mapOf([entry('alpha', alpha.sseUrl)]));
    const moved = await manager.refresh();
    bed.publisher.publish(mapOf([entry('alpha', alpha.sseUrl, { version: '1.1.0' })]));
    const upgraded = await manager.refresh();

    expect(moved).toMatchObject({ changed: 1, unchanged: 0 });
    expect(upgraded).toMatchObject({ changed: 1 });
    expect(alpha.observations.initializations).toBe(3);
    expect(manager.status().connectors[0]).toMatchObject({ state: 'up', transport: 'sse' });
    expect(registry.version).toBe(versionBefore);
    const result = await registry.getTool('alpha.echo')?.handler({ text: 'hi' }, {});
    expect(result).toEqual({ content: [{ type: 'text', text: 'alpha: hi' }] });
  });

  it('leaves unchanged connectors alone: no reconnect, no version bump, no change event', async () => {
    const { manager, registry } = await startedWith(
      entry('alpha', alpha.streamableUrl),
      entry('beta', beta.sseUrl),
    );
    const versionBefore = registry.version;
    let events = 0;
    registry.onChange(() => {
      events += 1;
    });

    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl), entry('beta', beta.sseUrl)]));
    const summary = await manager.refresh();
    const again = await manager.refresh();

    expect(summary).toMatchObject({ added: 0, removed: 0, changed: 0, unchanged: 2, parallelism: 0 });
    expect(again.unchanged).toBe(2);
    expect(alpha.observations.initializations).toBe(1);
    expect(beta.observations.initializations).toBe(1);
    expect(registry.version).toBe(versionBefore);
    expect(events).toBe(0);
    expect(bed.publisher.stats.notModified).toBe(1);
  });

  it('updates tool metadata without reconnecting when only the scopes change', async () => {
    const { manager, registry } = await startedWith(entry('alpha', alpha.streamableUrl));

    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl, { scopes: ['alpha:write'] })]));
    await manager.refresh();

    expect(registry.getTool('alpha.echo')?.metadata.scopes).toEqual(['alpha:write']);
    expect(alpha.observations.initializations).toBe(1);
  });
});
