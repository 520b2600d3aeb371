import { promises as realFs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryMemoryCache } from '../src/index.js';
import {
  ControllableFs,
  listDir,
  ManualTimers,
  makeTempDir,
  namesOnDisk,
  RecordingLogger,
  stdioServer,
} from './helpers.js';

const FIXED_NOW = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const QUARANTINE_NAME = 'servers.json.corrupt-2025-01-02T030405.678Z';

let tempDir: { dir: string; remove: () => Promise<void> };
let registryPath: string;
let logger: RecordingLogger;
let fs: ControllableFs;

beforeEach(async () => {
  tempDir = await makeTempDir();
  registryPath = path.join(tempDir.dir, 'servers.json');
  logger = new RecordingLogger();
  fs = new ControllableFs();
});

afterEach(async () => {
  await tempDir.remove();
});

function newCache() {
  return new RegistryMemoryCache({
    registryPath,
    fs,
    timers: new ManualTimers(),
    clock: () => FIXED_NOW,
    logger,
  });
}

/** What another process (`mcp-host servers add`) does: its own cache, one change, closed. */
async function writeFromAnotherProcess(change: (cache: RegistryMemoryCache) => void): Promise<void> {
  const other = new RegistryMemoryCache({ registryPath, logger: new RecordingLogger() });
  await other.init();
  change(other);
  await other.close();
}

const names = (cache: RegistryMemoryCache) => cache.getAll().map((server) => server.name);

describe('reload()', () => {
  it("adopts another process's additions, changes and removals, and says the entries changed", async () => {
    await writeFromAnotherProcess((other) => {
      other.upsert(stdioServer('alpha'));
      other.upsert(stdioServer('beta'));
    });
    const cache = newCache();
    await cache.init();

    await writeFromAnotherProcess((other) => {
      other.remove('alpha');
      other.upsert(stdioServer('beta', { args: ['other.js'] }));
      other.upsert(stdioServer('gamma'));
    });

    expect(await cache.reload()).toBe(true);
    expect(names(cache)).toEqual(['beta', 'gamma']);
    expect(cache.get('beta')).toMatchObject({ args: ['other.js'] });
    expect(cache.dirty).toBe(false);
  });

  it('says nothing changed for the text it last read or wrote itself, without parsing it again', async () => {
    const cache = newCache();
    await cache.init();
    cache.upsert(stdioServer('alpha'));
    await cache.flush();

    expect(await cache.reload()).toBe(false);
    expect(await cache.reload()).toBe(false);
    expect(names(cache)).toEqual(['alpha']);
  });

  it('says nothing changed when the text differs but the entries do not (a reformatted file)', async () => {
    await writeFromAnotherProcess((other) => other.upsert(stdioServer('alpha')));
    const cache = newCache();
    await cache.init();
    const text = await realFs.readFile(registryPath, 'utf8');
    await realFs.writeFile(registryPath, JSON.stringify(JSON.parse(text)));

    expect(await cache.reload()).toBe(false);
    expect(names(cache)).toEqual(['alpha']);
  });

  it('reads a deleted file as an empty registry, as init() does (the backup is not restored)', async () => {
    await writeFromAnotherProcess((other) => other.upsert(stdioServer('alpha')));
    const cache = newCache();
    await cache.init();
    await realFs.unlink(registryPath);

    expect(await cache.reload()).toBe(true);
    expect(names(cache)).toEqual([]);
    expect(await listDir(tempDir.dir)).toEqual(['servers.json.bak']);
  });

  it('keeps names changed here and not yet written', async () => {
    await writeFromAnotherProcess((other) => other.upsert(stdioServer('alpha')));
    const cache = newCache();
    await cache.init();
    cache.remove('alpha');
    cache.upsert(stdioServer('mine'));
    await writeFromAnotherProcess((other) => {
      other.upsert(stdioServer('alpha', { args: ['new.js'] }));
      other.upsert(stdioServer('theirs'));
    });

    expect(await cache.reload()).toBe(true);
    expect(names(cache)).toEqual(['mine', 'theirs']);
    await cache.close();
    expect(await namesOnDisk(registryPath)).toEqual(['mine', 'theirs']);
  });

  it('moves a damaged file aside with its bytes intact, keeps the entries it held and writes them back', async () => {
    await writeFromAnotherProcess((other) => other.upsert(stdioServer('alpha')));
    const cache = newCache();
    await cache.init();
    // A hand edit: valid, but it does not update the backup; then a typo.
    await realFs.writeFile(
      registryPath,
      JSON.stringify({ version: 1, servers: [stdioServer('alpha'), stdioServer('edited')] }),
    );
    expect(await cache.reload()).toBe(true);
    const damaged = '{"version": 1, "servers": [ { name: edited } ]';
    await realFs.writeFile(registryPath, damaged);

    expect(await cache.reload()).toBe(false);

    expect(names(cache)).toEqual(['alpha', 'edited']);
    expect(await realFs.readFile(path.join(tempDir.dir, QUARANTINE_NAME), 'utf8')).toBe(damaged);
    expect(await namesOnDisk(registryPath)).toEqual(['alpha', 'edited']);
    expect(cache.dirty).toBe(false);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.msg).toContain(`moved it to ${path.join(tempDir.dir, QUARANTINE_NAME)}`);
    expect(logger.warnings[0]?.obj).toMatchObject({
      keptEntries: 2,
      problems: ['registry file is not valid JSON'],
    });
    expect(JSON.stringify(logger.warnings)).not.toContain('edited }');
    // Its own write-back is the text it knows.
    expect(await cache.reload()).toBe(false);
  });

  it('rejects a file of a newer format version and changes nothing', async () => {
    await writeFromAnotherProcess((other) => other.upsert(stdioServer('alpha')));
    const cache = newCache();
    await cache.init();
    await realFs.writeFile(registryPath, JSON.stringify({ version: 99, servers: [] }));

    await expect(cache.reload()).rejects.toMatchObject({ code: 'unsupported_version' });
    expect(names(cache)).toEqual(['alpha']);
    expect(await listDir(tempDir.dir)).toEqual(['servers.json', 'servers.json.bak']);
  });

  it('rejects with read_failed when the file cannot be read, keeping the entries', async () => {
    await writeFromAnotherProcess((other) => other.upsert(stdioServer('alpha')));
    const cache = newCache();
    await cache.init();
    fs.failNext('readFile', 'EIO');

    await expect(cache.reload()).rejects.toMatchObject({ code: 'read_failed' });
    expect(names(cache)).toEqual(['alpha']);
  });

  it('never overlaps a flush: a reload waits for the write in progress', async () => {
    const cache = newCache();
    await cache.init();
    cache.upsert(stdioServer('alpha'));
    const gate = fs.holdNextWrite();
    const flushing = cache.flush();
    await gate.reached;
    const reloading = cache.reload();
    gate.release();
    await flushing;

    expect(await reloading).toBe(false);
    expect(names(cache)).toEqual(['alpha']);
  });

  it('is not called before init(), and does nothing after close()', async () => {
    const cache = newCache();
    await expect(cache.reload()).rejects.toMatchObject({ code: 'not_initialized' });
    await cache.init();
    await cache.close();
    await writeFromAnotherProcess((other) => other.upsert(stdioServer('alpha')));
    expect(await cache.reload()).toBe(false);
    expect(names(cache)).toEqual([]);
  });
});
