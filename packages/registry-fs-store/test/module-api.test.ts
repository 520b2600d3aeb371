import { execFile } from 'node:child_process';
import { existsSync, promises as realFs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeRegistryCache, readAll, remove, resolveRegistryPath, upsert } from '../src/index.js';
import { makeTempDir, namesOnDisk, stdioServer } from './helpers.js';

const distEntry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('resolveRegistryPath', () => {
  it('uses $CORTEX_HOME first', () => {
    expect(resolveRegistryPath({ CORTEX_HOME: '/c', XDG_CONFIG_HOME: '/x' }, '/home/u')).toBe(
      path.join('/c', 'mcp', 'servers.json'),
    );
  });

  it('uses $XDG_CONFIG_HOME/cortex-os next', () => {
    expect(resolveRegistryPath({ XDG_CONFIG_HOME: '/x' }, '/home/u')).toBe(
      path.join('/x', 'cortex-os', 'mcp', 'servers.json'),
    );
  });

  it('falls back to ~/.config/cortex-os, treating empty variables as unset', () => {
    expect(resolveRegistryPath({ CORTEX_HOME: '', XDG_CONFIG_HOME: ' ' }, '/home/u')).toBe(
      path.join('/home/u', '.config', 'cortex-os', 'mcp', 'servers.json'),
    );
  });
});

describe('module API', () => {
  let tempDir: { dir: string; remove: () => Promise<void> };
  let savedCortexHome: string | undefined;

  beforeEach(async () => {
    tempDir = await makeTempDir();
    savedCortexHome = process.env.CORTEX_HOME;
    process.env.CORTEX_HOME = tempDir.dir;
  });

  afterEach(async () => {
    await closeRegistryCache();
    if (savedCortexHome === undefined) delete process.env.CORTEX_HOME;
    else process.env.CORTEX_HOME = savedCortexHome;
    await tempDir.remove();
  });

  it('creates the shared cache lazily, persists on closeRegistryCache and reloads afterwards', async () => {
    const registryPath = path.join(tempDir.dir, 'mcp', 'servers.json');
    expect(await readAll()).toEqual([]);
    expect(await upsert(stdioServer('b'))).toMatchObject({ name: 'b', enabled: true });
    await upsert(stdioServer('a'));
    await upsert(stdioServer('gone'));
    expect(await remove('gone')).toBe(true);
    expect(await remove('never-there')).toBe(false);
    expect((await readAll()).map((server) => server.name)).toEqual(['a', 'b']);
    expect(existsSync(registryPath)).toBe(false); // batched: nothing written yet

    await closeRegistryCache();
    expect(await namesOnDisk(registryPath)).toEqual(['a', 'b']);
    await closeRegistryCache(); // no cache: a no-op

    await realFs.writeFile(registryPath, JSON.stringify([stdioServer('edited-by-hand')]));
    expect((await readAll()).map((server) => server.name)).toEqual(['edited-by-hand']);
  });

  it('rejects an invalid server with invalid_server', async () => {
    await expect(upsert({ name: 'x', transport: 'sse', url: 'gopher://x' })).rejects.toMatchObject({
      code: 'invalid_server',
    });
  });

  it('flushes pending changes when a process runs out of work without calling closeRegistryCache', async () => {
    if (!existsSync(distEntry)) throw new Error(`${distEntry} is missing: run \`pnpm exec tsup\` first`);
    const script = `
      import { upsert } from ${JSON.stringify(distEntry)};
      await upsert({ name: 'left-open', transport: 'stdio', command: 'node' });
    `;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, CORTEX_HOME: tempDir.dir },
      timeout: 10_000,
    });
    expect(await namesOnDisk(path.join(tempDir.dir, 'mcp', 'servers.json'))).toEqual(['left-open']);
  });
});
