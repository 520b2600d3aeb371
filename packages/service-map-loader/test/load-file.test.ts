import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConnectorServiceMap, ServiceMapError } from '../src/index.js';
import { clock, GENERATED_AT_MS, signedMapText, TEST_KEY } from './helpers/maps.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'service-map-loader-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('file: URLs', () => {
  it('loads a signed map from disk', async () => {
    const file = path.join(directory, 'map.json');
    const text = signedMapText();
    await writeFile(file, text);
    const result = await loadConnectorServiceMap({
      serviceMapUrl: pathToFileURL(file),
      signatureKey: TEST_KEY,
      clock,
    });
    expect(result).toMatchObject({ notModified: false, text, expiresAtMs: GENERATED_AT_MS + 300_000 });
  });

  it('rejects a file that starts with a UTF-8 BOM as parse, naming it', async () => {
    const file = path.join(directory, 'bom.json');
    await writeFile(file, `\uFEFF${signedMapText()}`);
    const error = await loadConnectorServiceMap({
      serviceMapUrl: pathToFileURL(file),
      signatureKey: TEST_KEY,
      clock,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'parse' });
    expect((error as Error).message).toContain('byte order mark');
  });

  it('reports a missing file with code file and the path to check', async () => {
    const url = pathToFileURL(path.join(directory, 'missing.json'));
    const error = await loadConnectorServiceMap({ serviceMapUrl: url, signatureKey: TEST_KEY }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ServiceMapError);
    expect(error).toMatchObject({ code: 'file', url: url.href });
    expect((error as Error).message).toContain('ENOENT');
  });

  it.skipIf(!existsSync('/dev/zero'))('stops reading an endless device file at maxBytes', async () => {
    const error = await loadConnectorServiceMap({
      serviceMapUrl: 'file:///dev/zero',
      signatureKey: TEST_KEY,
      maxBytes: 1024,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'too_large' });
  });

  it('applies maxBytes to files', async () => {
    const file = path.join(directory, 'big.json');
    await writeFile(file, 'x'.repeat(4096));
    const error = await loadConnectorServiceMap({
      serviceMapUrl: pathToFileURL(file),
      signatureKey: TEST_KEY,
      maxBytes: 1024,
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'too_large' });
  });
});
