import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STATE_FILES } from '../../src/state/index.js';
import { type ChangingServer, startChangingServer } from './changing-server.js';
import { entry, firstText, mapOf, TestBed, toolNames, within } from './fixtures.js';

let bed: TestBed;
let upstream: ChangingServer;
beforeEach(async () => {
  bed = await new TestBed().start();
  upstream = await startChangingServer();
});
afterEach(async () => {
  await bed.close();
  await upstream.close();
});

interface PersistedCatalogue {
  connectors: Record<string, { tools: Array<{ name: string }> }>;
}

async function persistedToolNames(stateDir: string, connectorId: string): Promise<string[]> {
  try {
    const text = await readFile(join(stateDir, STATE_FILES.catalogue), 'utf8');
    const document = JSON.parse(text) as PersistedCatalogue;
    return (document.connectors[connectorId]?.tools ?? []).map((tool) => tool.name).sort();
  } catch {
    return []; // not written yet (or mid-rename): the next change event checks again
  }
}

/** Resolves once `catalogue.json` lists `toolName` for `connectorId`, re-reading it on every change in `stateDir`. */
async function catalogueLists(stateDir: string, connectorId: string, toolName: string): Promise<string[]> {
  let onChange: () => void = () => {};
  const watcher = watch(stateDir, () => onChange());
  try {
    const listed = new Promise<string[]>((resolve) => {
      onChange = () => {
        void persistedToolNames(stateDir, connectorId).then((names) => {
          if (names.includes(toolName)) resolve(names);
        });
      };
    });
    onChange();
    return await within(listed, 5_000, `catalogue.json to list ${toolName}`);
  } finally {
    watcher.close();
  }
}

describe('upstream tools/list_changed', () => {
  it('re-registers the connector’s tools once, makes the new tool callable and persists the catalogue', async () => {
    bed.publisher.publish(mapOf([entry('live', upstream.url)]));
    const stateDir = await bed.tempDir();
    const { manager, registry } = bed.manager({ stateDir });
    await manager.start();
    expect(toolNames(registry)).toEqual(['live.hello']);
    expect(await persistedToolNames(stateDir, 'live')).toEqual(['hello']);
    await upstream.notificationStreamOpen();
    const versionBefore = registry.version;
    const changes: Array<{ added: readonly string[] }> = [];
    const changed = new Promise<void>((resolve) => {
      registry.onChange((event) => {
        changes.push({ added: [...event.added] });
        resolve();
      });
    });

    upstream.addTool('fresh', 'fresh from changing');
    await within(changed, 5_000, 'the registry change');

    expect(registry.version).toBe(versionBefore + 1);
    expect(changes).toEqual([{ added: ['live.fresh'] }]);
    expect(toolNames(registry)).toEqual(['live.fresh', 'live.hello']);
    const result = await registry.getTool('live.fresh')?.handler({}, {});
    expect(firstText(result)).toBe('fresh from changing');
    expect(await catalogueLists(stateDir, 'live', 'fresh')).toEqual(['fresh', 'hello']);
    // No sync ran for it: the change came from the upstream alone.
    expect(manager.status().lastSync?.reason).toBe('start');
    expect(manager.status().connectors[0]).toMatchObject({ id: 'live', toolCount: 2, catalogue: 'live' });
    expect(registry.version).toBe(versionBefore + 1);
  });

  it('coalesces a storm of 20 list_changed notifications into at most two re-lists (one running, one trailing)', async () => {
    bed.publisher.publish(mapOf([entry('live', upstream.url)]));
    const { manager, registry } = bed.manager({ stateDir: await bed.tempDir() });
    await manager.start();
    await upstream.notificationStreamOpen();
    const versionBefore = registry.version;
    const storm = Array.from({ length: 20 }, (_, index) => `storm_${index}`);
    const allThere = new Promise<void>((resolve) => {
      registry.onChange(() => {
        const names = new Set(toolNames(registry));
        if (storm.every((name) => names.has(`live.${name}`))) resolve();
      });
    });

    // Each addTool makes every connected session send notifications/tools/list_changed: 20 in one burst.
    for (const name of storm) upstream.addTool(name, name);
    await within(allThere, 5_000, 'every storm tool to be registered');

    // One re-list starts on the first notification; the other 19 arrive while it runs and fold into one more.
    expect(registry.version - versionBefore).toBeGreaterThanOrEqual(1);
    expect(registry.version - versionBefore).toBeLessThanOrEqual(2);
    expect(toolNames(registry)).toHaveLength(21);
  });
});
