import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FlushReport, RegistryMemoryCache, RegistryStoreError } from '../src/index.js';
import {
  ControllableFs,
  ManualTimers,
  makeTempDir,
  namesOnDisk,
  RecordingLogger,
  readRegistryFile,
  stdioServer,
} from './helpers.js';

let tempDir: { dir: string; remove: () => Promise<void> };
let registryPath: string;
let fs: ControllableFs;
let timers: ManualTimers;
let logger: RecordingLogger;
const openCaches: RegistryMemoryCache[] = [];

beforeEach(async () => {
  tempDir = await makeTempDir();
  registryPath = path.join(tempDir.dir, 'mcp', 'servers.json');
  fs = new ControllableFs();
  timers = new ManualTimers();
  logger = new RecordingLogger();
});

afterEach(async () => {
  for (const cache of openCaches.splice(0)) await cache.close().catch(() => undefined);
  await tempDir.remove();
});

async function openCache(extra: { onFlush?: (report: FlushReport) => void; flushIntervalMs?: number } = {}) {
  const cache = new RegistryMemoryCache({ registryPath, fs, timers, logger, ...extra });
  openCaches.push(cache);
  await cache.init();
  return cache;
}

describe('RegistryMemoryCache batching', () => {
  it('writes 100 upserts made between two ticks with one file write', async () => {
    const cache = await openCache();
    for (let i = 0; i < 100; i++) cache.upsert(stdioServer(`server-${String(i).padStart(3, '0')}`));

    expect(fs.renamesTo(registryPath)).toBe(0);
    expect(timers.delays).toEqual([5000]);
    expect(timers.fireAll()).toBe(1);
    await cache.flush(); // waits for the tick's write; the cache is clean afterwards, so no second write

    expect(fs.renamesTo(registryPath)).toBe(1);
    expect(await namesOnDisk(registryPath)).toHaveLength(100);
    expect(cache.dirty).toBe(false);
  });

  it('does not write when flushed while clean', async () => {
    const cache = await openCache();
    await cache.flush();
    cache.upsert(stdioServer('a'));
    await cache.flush();
    await cache.flush();

    expect(fs.renamesTo(registryPath)).toBe(1);
    expect(fs.opens.filter((opened) => opened.includes('servers.json.tmp-'))).toHaveLength(1);
  });

  it('arms no timer while clean and disarms it after an explicit flush', async () => {
    const cache = await openCache();
    expect(timers.armed).toBe(0);
    cache.upsert(stdioServer('a'));
    expect(timers.armed).toBe(1);
    await cache.flush();
    expect(timers.armed).toBe(0);
  });

  it('writes a change made during an in-progress flush with the next flush', async () => {
    const cache = await openCache();
    cache.upsert(stdioServer('before'));
    const gate = fs.holdNextWrite();
    const firstFlush = cache.flush();
    await gate.reached; // the snapshot is taken and its temp file is being written

    cache.upsert(stdioServer('during'));
    const secondFlush = cache.flush(); // must wait for the first one, then write again
    gate.release();
    await firstFlush;

    expect(await namesOnDisk(registryPath)).toEqual(['before']);
    expect(cache.dirty).toBe(true);
    await secondFlush;
    expect(await namesOnDisk(registryPath)).toEqual(['before', 'during']);
    expect(cache.dirty).toBe(false);
    expect(fs.renamesTo(registryPath)).toBe(2);
  });

  it('writes a change made during a timer flush on the following tick', async () => {
    const cache = await openCache();
    cache.upsert(stdioServer('first'));
    const gate = fs.holdNextWrite();
    timers.fireAll();
    await gate.reached;
    cache.upsert(stdioServer('second'));
    expect(timers.armed).toBe(1); // the change armed the next tick
    gate.release();
    await cache.flush();

    expect(await namesOnDisk(registryPath)).toEqual(['first', 'second']);
  });

  it('reports each flush with its duration and entry count', async () => {
    let now = 1_000;
    const reports: FlushReport[] = [];
    // Time passes while the file is replaced: 7 ms, whatever else reads the clock.
    fs.beforeRename = (_from, to) => {
      if (to === registryPath) now += 7;
    };
    const cache = new RegistryMemoryCache({
      registryPath,
      fs,
      timers,
      logger,
      clock: () => now,
      onFlush: (report) => reports.push(report),
    });
    openCaches.push(cache);
    await cache.init();
    cache.upsert(stdioServer('a'));
    cache.upsert(stdioServer('b'));
    await cache.flush();

    expect(reports).toHaveLength(1);
    expect(reports[0]?.durationMs).toBe(7);
    expect(reports[0]?.entryCount).toBe(2);
    expect(reports[0]?.bytes).toBe(
      Buffer.byteLength(await import('node:fs').then((m) => m.readFileSync(registryPath))),
    );
  });

  it('keeps flushing when the onFlush callback throws', async () => {
    const cache = await openCache({
      onFlush: () => {
        throw new Error('histogram broke');
      },
    });
    cache.upsert(stdioServer('a'));
    await cache.flush();

    expect(cache.dirty).toBe(false);
    expect(logger.warnings.map((warning) => warning.msg)).toEqual(['onFlush callback threw; ignored']);
  });
});

describe('RegistryMemoryCache file format', () => {
  it('writes version 1, sorted by name, pretty-printed with a trailing newline', async () => {
    const cache = await openCache();
    cache.upsert({ name: 'zeta', transport: 'sse', url: 'https://zeta.example/sse' });
    cache.upsert(stdioServer('alpha', { env: { TOKEN: 'x' } }));
    await cache.flush();

    const text = await import('node:fs').then((m) => m.readFileSync(registryPath, 'utf8'));
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "servers": [\n');
    expect(JSON.parse(text)).toEqual({
      version: 1,
      servers: [
        {
          name: 'alpha',
          transport: 'stdio',
          enabled: true,
          command: 'node',
          args: ['server.js'],
          env: { TOKEN: 'x' },
        },
        { name: 'zeta', transport: 'sse', enabled: true, url: 'https://zeta.example/sse' },
      ],
    });
  });

  it('creates missing parent directories on the first write', async () => {
    registryPath = path.join(tempDir.dir, 'a', 'b', 'c', 'servers.json');
    const cache = await openCache();
    cache.upsert(stdioServer('a'));
    await cache.flush();
    expect((await readRegistryFile(registryPath)).servers).toHaveLength(1);
  });

  it('persists a removal', async () => {
    const cache = await openCache();
    cache.upsert(stdioServer('a'));
    cache.upsert(stdioServer('b'));
    await cache.flush();
    expect(cache.remove('a')).toBe(true);
    expect(cache.remove('a')).toBe(false);
    await cache.flush();
    expect(await namesOnDisk(registryPath)).toEqual(['b']);
  });
});

describe('RegistryMemoryCache API', () => {
  it('returns copies callers cannot use to change the store', async () => {
    const cache = await openCache();
    const returned = cache.upsert(stdioServer('a', { args: ['one'], metadata: { tags: ['x'] } }));
    returned.enabled = false;
    const listed = cache.getAll()[0];
    if (listed?.transport !== 'stdio') throw new Error('expected a stdio entry');
    listed.args?.push('two');
    const tags = listed.metadata?.tags;
    if (!Array.isArray(tags)) throw new Error('expected metadata.tags');
    tags.push('y');

    expect(cache.get('a')).toEqual({
      name: 'a',
      transport: 'stdio',
      enabled: true,
      command: 'node',
      args: ['one'],
      metadata: { tags: ['x'] },
    });
  });

  it('replaces an entry with the same (trimmed) name', async () => {
    const cache = await openCache();
    cache.upsert(stdioServer('a'));
    cache.upsert({
      name: '  a ',
      transport: 'streamable-http',
      url: 'http://127.0.0.1:9/mcp',
      enabled: false,
    });
    expect(cache.getAll()).toEqual([
      { name: 'a', transport: 'streamable-http', enabled: false, url: 'http://127.0.0.1:9/mcp' },
    ]);
  });

  it('rejects an invalid server with invalid_server naming the field, and stores nothing', async () => {
    const cache = await openCache();
    const attempt = () => cache.upsert({ name: 'api', transport: 'sse', url: 'ftp://files.example/' });
    expect(attempt).toThrow(RegistryStoreError);
    expect(attempt).toThrow(/url: must be an http: or https: URL/);
    try {
      attempt();
    } catch (error) {
      expect((error as RegistryStoreError).code).toBe('invalid_server');
    }
    expect(cache.size).toBe(0);
    expect(cache.dirty).toBe(false);
  });

  it('refuses use before init() with not_initialized', () => {
    const cache = new RegistryMemoryCache({ registryPath, fs, timers, logger });
    expect(() => cache.upsert(stdioServer('a'))).toThrow(
      expect.objectContaining({ code: 'not_initialized' }),
    );
    expect(() => cache.getAll()).toThrow(expect.objectContaining({ code: 'not_initialized' }));
  });

  it('rejects unusable options with invalid_options', () => {
    expect(() => new RegistryMemoryCache({ registryPath: '' })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
    expect(() => new RegistryMemoryCache({ registryPath, flushIntervalMs: -1 })).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
  });

  it('never arms a timer when flushIntervalMs is 0', async () => {
    const cache = await openCache({ flushIntervalMs: 0 });
    cache.upsert(stdioServer('a'));
    expect(timers.armed).toBe(0);
    await cache.flush();
    expect(await namesOnDisk(registryPath)).toEqual(['a']);
  });
});

describe('RegistryMemoryCache close()', () => {
  it('writes pending changes, stops the timer and refuses later changes', async () => {
    const cache = await openCache();
    cache.upsert(stdioServer('a'));
    await cache.close();

    expect(await namesOnDisk(registryPath)).toEqual(['a']);
    expect(timers.armed).toBe(0);
    expect(() => cache.upsert(stdioServer('b'))).toThrow(expect.objectContaining({ code: 'closed' }));
    expect(cache.getAll().map((server) => server.name)).toEqual(['a']);
  });

  it('is idempotent: a second close writes nothing', async () => {
    const cache = await openCache();
    cache.upsert(stdioServer('a'));
    await Promise.all([cache.close(), cache.close()]);
    await cache.close();
    expect(fs.renamesTo(registryPath)).toBe(1);
  });

  it('retries a failed final write when called again', async () => {
    const cache = await openCache();
    cache.upsert(stdioServer('a'));
    fs.failNext('rename', 'EIO');
    await expect(cache.close()).rejects.toMatchObject({ code: 'write_failed' });
    expect(cache.dirty).toBe(true);
    expect(timers.armed).toBe(0);
    await cache.close();
    expect(await namesOnDisk(registryPath)).toEqual(['a']);
  });

  it("unref's its timer, so a pending flush never holds the process open", async () => {
    const handles: NodeJS.Timeout[] = [];
    const realTimers = {
      setTimeout: (callback: () => void, delayMs: number) => {
        const handle = setTimeout(callback, delayMs);
        handles.push(handle);
        return handle;
      },
      clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
    };
    const cache = new RegistryMemoryCache({ registryPath, logger, fs, timers: realTimers });
    openCaches.push(cache);
    await cache.init();
    cache.upsert(stdioServer('a'));

    expect(handles).toHaveLength(1);
    expect(handles[0]?.hasRef()).toBe(false);
    await cache.close();
    expect(await namesOnDisk(registryPath)).toEqual(['a']);
  });
});
