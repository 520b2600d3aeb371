import { promises as realFs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryMemoryCache } from '../src/index.js';
import { ManualTimers, makeTempDir, RecordingLogger, stdioServer } from './helpers.js';

const modeOf = async (filePath: string) => (await realFs.stat(filePath)).mode & 0o777;

let tempDir: { dir: string; remove: () => Promise<void> };

beforeEach(async () => {
  tempDir = await makeTempDir();
});

afterEach(async () => {
  await tempDir.remove();
});

async function writeOnce(registryPath: string, name: string): Promise<void> {
  const cache = new RegistryMemoryCache({
    registryPath,
    timers: new ManualTimers(),
    logger: new RecordingLogger(),
  });
  await cache.init();
  cache.upsert(stdioServer(name, { env: { TOKEN: 'secret' } }));
  await cache.close();
}

describe.skipIf(process.platform === 'win32')('file modes (POSIX)', () => {
  it('creates missing directories owner-only (0700) and writes the file and its backup owner-only (0600)', async () => {
    const cortexHome = path.join(tempDir.dir, 'home');
    const registryPath = path.join(cortexHome, 'mcp', 'servers.json');
    await writeOnce(registryPath, 'a');

    expect(await modeOf(cortexHome)).toBe(0o700);
    expect(await modeOf(path.dirname(registryPath))).toBe(0o700);
    expect(await modeOf(registryPath)).toBe(0o600);
    expect(await modeOf(`${registryPath}.bak`)).toBe(0o600);
  });

  it('replaces a world-readable file written by hand with an owner-only one on the next flush', async () => {
    const registryPath = path.join(tempDir.dir, 'servers.json');
    await realFs.writeFile(registryPath, '{"version": 1, "servers": []}\n', { mode: 0o644 });
    await realFs.chmod(registryPath, 0o644);
    await writeOnce(registryPath, 'b');

    expect(await modeOf(registryPath)).toBe(0o600);
  });
});
