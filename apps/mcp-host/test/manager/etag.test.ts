import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DemoConnector } from '../../src/demo/demo-connector.js';
import { entry, mapOf, TestBed } from './fixtures.js';
import { RecordingProxy } from './recording-proxy.js';

let bed: TestBed;
let proxy: RecordingProxy;
let alpha: DemoConnector;
beforeEach(async () => {
  bed = await new TestBed().start();
  proxy = await new RecordingProxy().listen();
  alpha = await bed.demo('alpha');
  bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
});
afterEach(async () => {
  await bed.close();
  await proxy.close();
});

/** A started manager that reads the map through the recording proxy, so the test sees its request headers. */
async function startedManager(serviceMapEtag: boolean | undefined) {
  const started = bed.manager({
    stateDir: await bed.tempDir(),
    serviceMapUrl: proxy.route('map', bed.mapUrl),
    ...(serviceMapEtag === undefined ? {} : { serviceMapEtag }),
  });
  await started.manager.start();
  let changes = 0;
  started.registry.onChange(() => {
    changes += 1;
  });
  return { ...started, changes: () => changes };
}

const ifNoneMatchSent = () => proxy.eventsOf('map').map((event) => event.headers['if-none-match']);

describe('service map ETags', () => {
  it('by default sends the held ETag, so an unchanged refresh is a 304 with no reconnect and no registry change', async () => {
    const { manager, registry, changes } = await startedManager(undefined);
    const bodyBytes = bed.publisher.stats.bodyBytes;
    const versionBefore = registry.version;

    const summary = await manager.refresh();

    const [first, second] = ifNoneMatchSent();
    expect(first).toBeUndefined();
    expect(second).toMatch(/^".+"$/);
    expect(bed.publisher.stats.notModified).toBe(1);
    expect(bed.publisher.stats.bodyBytes).toBe(bodyBytes);
    expect(summary).toMatchObject({ unchanged: 1, changed: 0, added: 0, removed: 0 });
    expect(alpha.observations.initializations).toBe(1);
    expect(registry.version).toBe(versionBefore);
    expect(changes()).toBe(0);
  });

  it('turned off, downloads and verifies the whole map on every refresh, still with no reconnect or churn', async () => {
    const { manager, registry, changes } = await startedManager(false);
    const bodyBytes = bed.publisher.stats.bodyBytes;
    const versionBefore = registry.version;

    const summary = await manager.refresh();
    await manager.refresh();

    expect(ifNoneMatchSent()).toEqual([undefined, undefined, undefined]);
    expect(bed.publisher.stats.notModified).toBe(0);
    expect(bed.publisher.stats.bodyBytes).toBe(bodyBytes * 3);
    expect(manager.status().map).toMatchObject({ source: 'network', lastError: null });
    expect(summary).toMatchObject({ unchanged: 1, changed: 0, added: 0, removed: 0 });
    expect(alpha.observations.initializations).toBe(1);
    expect(registry.version).toBe(versionBefore);
    expect(changes()).toBe(0);
  });
});
