import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entry, mapOf, metricValue, TestBed, toolNames } from './fixtures.js';

let bed: TestBed;
beforeEach(async () => {
  bed = await new TestBed().start();
});
afterEach(() => bed.close());

async function registryFileWith(server: object): Promise<string> {
  const path = join(await bed.tempDir(), 'servers.json');
  await writeFile(path, JSON.stringify({ version: 1, servers: [server] }));
  return path;
}

describe('initial sync', () => {
  it('registers the tools of map connectors (one over SSE) and registry-file servers under connectorId.tool', async () => {
    const [alpha, beta, gamma] = await Promise.all([bed.demo('alpha'), bed.demo('beta'), bed.demo('gamma')]);
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl), entry('beta', beta.sseUrl)]));
    const registryPath = await registryFileWith({
      name: 'gamma',
      transport: 'streamable-http',
      url: gamma.streamableUrl,
    });
    const { manager, registry, metrics } = bed.manager({ stateDir: await bed.tempDir(), registryPath });

    await manager.start();

    const tools = toolNames(registry);
    for (const id of ['alpha', 'beta', 'gamma']) {
      expect(tools).toEqual(expect.arrayContaining([`${id}.echo`, `${id}.add`, `${id}.count`, `${id}.wait`]));
    }
    const status = manager.status();
    expect(status.ready).toBe(true);
    expect(status.connectors.map((c) => [c.id, c.origin, c.state, c.transport])).toEqual([
      ['alpha', 'service-map', 'up', 'streamable-http'],
      ['beta', 'service-map', 'up', 'sse'],
      ['gamma', 'registry-file', 'up', 'streamable-http'],
    ]);
    expect(status.lastSync).toMatchObject({ connectorCount: 3, enabled: 3, failed: 0, added: 3 });
    expect(await metricValue(metrics, 'mcp_connector_available', { connector_id: 'beta' })).toBe(1);
    expect(registry.getTool('beta.add')?.metadata).toMatchObject({
      connectorId: 'beta',
      originalName: 'add',
      scopes: ['beta:read'],
      brand: 'brAInwav',
    });
  });

  it('passes a call through the registry handler and returns the upstream result unchanged', async () => {
    const beta = await bed.demo('beta');
    bed.publisher.publish(mapOf([entry('beta', beta.sseUrl)]));
    const { manager, registry, metrics } = bed.manager({ stateDir: await bed.tempDir() });
    await manager.start();

    const add = registry.getTool('beta.add');
    const result = await add?.handler({ a: 2, b: 3 }, {});
    const progress: number[] = [];
    const counted = await registry
      .getTool('beta.count')
      ?.handler({ to: 3 }, { onProgress: ({ progress: step }) => progress.push(step) });

    expect(result).toEqual({ content: [{ type: 'text', text: '5' }], structuredContent: { sum: 5 } });
    expect(counted).toEqual({ content: [{ type: 'text', text: 'counted to 3' }] });
    expect(progress).toEqual([1, 2, 3]);
    expect(beta.observations.calls.map((call) => call.tool)).toEqual(['add', 'count']);
    const durations = await metrics.registry.getSingleMetric('mcp_tool_call_duration_seconds')?.get();
    const count = durations?.values.find((v) =>
      (v as { metricName?: string }).metricName?.endsWith('_count'),
    );
    expect(count?.value).toBe(2);
  });

  it('in sync mode resolves start() only after the sync and arms no scheduler timer', async () => {
    const alpha = await bed.demo('alpha');
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
    const armed: number[] = [];
    const timers = {
      setTimeout: (callback: () => void, delayMs: number) => {
        armed.push(delayMs);
        return setTimeout(callback, delayMs);
      },
      clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
    };
    const { manager, registry } = bed.manager({ stateDir: await bed.tempDir(), refreshSync: true, timers });

    await manager.start();

    expect(toolNames(registry)).toContain('alpha.echo');
    await manager.refresh();
    expect(armed).toEqual([]);
  });

  it('in async mode resolves start() at once, syncs in the background and arms the jittered scheduler', async () => {
    const alpha = await bed.demo('alpha');
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
    const armed: number[] = [];
    const timers = {
      setTimeout: (callback: () => void, delayMs: number) => {
        armed.push(delayMs);
        return { callback };
      },
      clearTimeout: () => {},
    };
    const { manager, registry } = bed.manager({
      stateDir: await bed.tempDir(),
      refreshSync: false,
      refreshIntervalMs: 10_000,
      random: () => 0,
      timers,
    });

    await manager.start();
    expect(manager.status().lastSync).toBeNull();
    await manager.refresh();

    expect(toolNames(registry)).toContain('alpha.echo');
    expect(armed[0]).toBe(8_000);
  });
});
