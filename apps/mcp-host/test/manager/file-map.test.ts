import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { signServiceMap, type UnsignedServiceMapPayload } from '@cortex-mcp/service-map-loader';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entry, mapOf, TestBed, toolNames } from './fixtures.js';

const KEY = 'file-map-test-signature-key';

let bed: TestBed;
beforeEach(async () => {
  bed = await new TestBed().start();
});
afterEach(() => bed.close());

async function writeSignedMap(path: string, map: UnsignedServiceMapPayload, key = KEY): Promise<void> {
  await writeFile(path, JSON.stringify(signServiceMap(map, key), null, 2));
}

describe('a file: service map URL', () => {
  it('loads the signed map from disk, connects its connectors and follows later edits of the file', async () => {
    const [alpha, beta] = await Promise.all([bed.demo('alpha'), bed.demo('beta')]);
    const mapPath = join(await bed.tempDir(), 'service map.json');
    await writeSignedMap(mapPath, mapOf([entry('alpha', alpha.streamableUrl)]));
    const serviceMapUrl = pathToFileURL(mapPath).href;
    const { manager, registry } = bed.manager({
      serviceMapUrl,
      signatureKeys: [KEY],
      stateDir: await bed.tempDir(),
    });

    await manager.start();

    expect(toolNames(registry)).toContain('alpha.echo');
    expect(manager.status().map).toMatchObject({ url: serviceMapUrl, source: 'network', lastError: null });
    expect(manager.status().lastSync).toMatchObject({ added: 1, failed: 0 });

    const unchanged = await manager.refresh();
    expect(unchanged).toMatchObject({ unchanged: 1, added: 0 });
    expect(manager.status().map.lastError).toBeNull();

    await writeSignedMap(
      mapPath,
      mapOf([entry('alpha', alpha.streamableUrl), entry('beta', beta.streamableUrl)]),
    );
    const grown = await manager.refresh();

    expect(grown).toMatchObject({ added: 1, unchanged: 1, failed: 0 });
    expect(toolNames(registry)).toContain('beta.echo');
    expect(bed.publisher.stats.requests).toBe(0);
  });

  it('rejects a map file signed with another key and keeps the last good map', async () => {
    const alpha = await bed.demo('alpha');
    const mapPath = join(await bed.tempDir(), 'map.json');
    await writeSignedMap(mapPath, mapOf([entry('alpha', alpha.streamableUrl)]));
    const { manager, registry } = bed.manager({
      serviceMapUrl: pathToFileURL(mapPath).href,
      signatureKeys: [KEY],
      stateDir: await bed.tempDir(),
    });
    await manager.start();

    await writeSignedMap(mapPath, mapOf([]), 'some-other-key');
    await manager.refresh();

    expect(manager.status().map.lastError?.code).toBe('signature');
    expect(toolNames(registry)).toContain('alpha.echo');
  });
});
