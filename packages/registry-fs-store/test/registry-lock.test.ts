import { promises as realFs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryMemoryCache } from '../src/index.js';
import {
  ControllableFs,
  deadPid,
  listDir,
  ManualTimers,
  makeTempDir,
  namesOnDisk,
  RecordingLogger,
  stdioServer,
} from './helpers.js';

const NOW = Date.UTC(2025, 5, 1);
const OTHER_PID = 424242;

let tempDir: { dir: string; remove: () => Promise<void> };
let registryPath: string;
let lockPath: string;
let fs: ControllableFs;
let timers: ManualTimers;
let logger: RecordingLogger;
let now: number;

beforeEach(async () => {
  tempDir = await makeTempDir();
  registryPath = path.join(tempDir.dir, 'servers.json');
  lockPath = `${registryPath}.lock`;
  fs = new ControllableFs();
  timers = new ManualTimers();
  logger = new RecordingLogger();
  now = NOW;
});

afterEach(async () => {
  await tempDir.remove();
});

function lockText(pid: number, createdMs: number, hostname = os.hostname()): string {
  return `${JSON.stringify({ pid, hostname, createdMs, n: 1 })}\n`;
}

async function openCache(options: { lockTimeoutMs?: number; alive?: (pid: number) => boolean } = {}) {
  const cache = new RegistryMemoryCache({
    registryPath,
    fs,
    timers,
    logger,
    flushIntervalMs: 0, // only the lock's back-off uses the timers here
    clock: () => now,
    isProcessAlive: options.alive ?? ((pid) => pid === OTHER_PID || pid === process.pid),
    ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
  });
  await cache.init();
  return cache;
}

describe('the registry lock', () => {
  it('is hard-linked into place with its contents, held only during a flush, and gone after it', async () => {
    let seenDuringWrite: string | undefined;
    fs.beforeRename = async (_from, to) => {
      if (to === registryPath) seenDuringWrite = await realFs.readFile(lockPath, 'utf8');
    };
    const cache = await openCache();
    cache.upsert(stdioServer('a'));
    await cache.flush();

    expect(fs.links).toEqual([lockPath]);
    expect(fs.opens).not.toContain(lockPath); // never created empty
    expect(JSON.parse(seenDuringWrite ?? '')).toMatchObject({ pid: process.pid, hostname: os.hostname() });
    expect(await listDir(tempDir.dir)).toEqual(['servers.json', 'servers.json.bak']);
  });

  it('falls back to creating the lock with wx where hard links are not supported (EPERM)', async () => {
    fs.failUntilCleared('link', 'EPERM');
    const cache = await openCache();
    cache.upsert(stdioServer('a'));
    await cache.flush();
    cache.upsert(stdioServer('b'));
    await cache.flush();

    expect(fs.opens.filter((opened) => opened === lockPath)).toHaveLength(2);
    expect(await namesOnDisk(registryPath)).toEqual(['a', 'b']);
    expect(await listDir(tempDir.dir)).toEqual(['servers.json', 'servers.json.bak']);
  });

  it('takes over a lock whose holder is dead, and says so at info level', async () => {
    const pid = deadPid();
    await realFs.writeFile(lockPath, lockText(pid, NOW));
    const cache = await openCache({ alive: (candidate) => candidate !== pid, lockTimeoutMs: 0 });
    cache.upsert(stdioServer('a'));
    await cache.flush();

    expect(await namesOnDisk(registryPath)).toEqual(['a']);
    expect(await listDir(tempDir.dir)).toEqual(['servers.json', 'servers.json.bak']);
    expect(logger.infos).toEqual([
      {
        obj: { lockPath, reason: `holder pid ${pid} is not running` },
        msg: 'Took over a stale MCP registry lock',
      },
    ]);
    expect(logger.warnings).toEqual([]);
  });

  it('fails with lock_timeout while a live process holds it, keeps the change dirty, and writes once it is gone', async () => {
    const held = lockText(OTHER_PID, NOW);
    await realFs.writeFile(lockPath, held);
    const cache = await openCache({ lockTimeoutMs: 0 });
    cache.upsert(stdioServer('a'));

    const failure = await cache.flush().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'lock_timeout', registryPath });
    expect((failure as Error).message).toContain(`pid ${OTHER_PID}`);
    expect(cache.dirty).toBe(true);
    expect(await realFs.readFile(lockPath, 'utf8')).toBe(held); // never someone else's to delete
    expect(await listDir(tempDir.dir)).toEqual(['servers.json.lock']);

    await realFs.rm(lockPath);
    await cache.flush();
    expect(await namesOnDisk(registryPath)).toEqual(['a']);
  });

  it('waits for a live holder (backing off on the injected timers) and proceeds when it lets go', async () => {
    await realFs.writeFile(lockPath, lockText(OTHER_PID, NOW));
    const cache = await openCache();
    cache.upsert(stdioServer('a'));
    let armed = timers.nextArmed();
    const flushed = cache.flush();
    await armed;
    expect(timers.delays).toEqual([2]); // the first back-off step
    armed = timers.nextArmed();
    timers.fireAll();
    await armed;
    expect(timers.delays).toEqual([4]);

    await realFs.rm(lockPath);
    timers.fireAll();
    await flushed;
    expect(await namesOnDisk(registryPath)).toEqual(['a']);
  });

  it('takes over a lock older than staleLockMs even when its pid runs (a reused pid)', async () => {
    await realFs.writeFile(lockPath, lockText(OTHER_PID, NOW - 30_001));
    const cache = await openCache({ lockTimeoutMs: 0 });
    cache.upsert(stdioServer('a'));
    await cache.flush();
    expect(await namesOnDisk(registryPath)).toEqual(['a']);
    expect(logger.infos[0]?.obj).toEqual({ lockPath, reason: 'older than staleLockMs' });
  });

  it('judges a live pid on another host by age only', async () => {
    await realFs.writeFile(lockPath, lockText(process.pid + 1, NOW - 1_000, `not-${os.hostname()}`));
    const cache = await openCache({ lockTimeoutMs: 0, alive: () => false });
    cache.upsert(stdioServer('a'));
    await expect(cache.flush()).rejects.toMatchObject({ code: 'lock_timeout' });
  });

  it('leaves an unreadable lock alone while it is young and takes it over once its mtime is old', async () => {
    await realFs.writeFile(lockPath, '');
    const cache = await openCache({ lockTimeoutMs: 0 });
    cache.upsert(stdioServer('a'));
    now = Date.now();
    await expect(cache.flush()).rejects.toMatchObject({ code: 'lock_timeout' });

    const old = new Date(now - 60_000);
    await realFs.utimes(lockPath, old, old);
    await cache.flush();
    expect(await namesOnDisk(registryPath)).toEqual(['a']);
    expect(logger.infos[0]?.obj).toEqual({ lockPath, reason: 'unreadable and older than staleLockMs' });
  });

  it('puts back a live lock it renamed by mistake when another process took over the stale one first', async () => {
    const pid = deadPid();
    const fresh = lockText(OTHER_PID, NOW);
    await realFs.writeFile(lockPath, lockText(pid, NOW));
    // Between our judging the lock stale and our renaming it, another process breaks it and takes the lock.
    fs.beforeRename = async (from) => {
      if (from !== lockPath) return;
      fs.beforeRename = undefined;
      await realFs.writeFile(lockPath, fresh);
    };
    const cache = await openCache({ alive: (candidate) => candidate !== pid, lockTimeoutMs: 0 });
    cache.upsert(stdioServer('a'));

    await expect(cache.flush()).rejects.toMatchObject({ code: 'lock_timeout' });
    expect(await realFs.readFile(lockPath, 'utf8')).toBe(fresh);
    expect(await listDir(tempDir.dir)).toEqual(['servers.json.lock']);
    expect(logger.infos).toEqual([]);
  });
});
