import { promises as realFs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryMemoryCache, type RegistryStoreError } from '../src/index.js';
import {
  ControllableFs,
  listDir,
  ManualTimers,
  makeTempDir,
  namesOnDisk,
  RecordingLogger,
  stdioServer,
} from './helpers.js';

let tempDir: { dir: string; remove: () => Promise<void> };
let registryDir: string;
let registryPath: string;
let fs: ControllableFs;
let timers: ManualTimers;
let logger: RecordingLogger;

beforeEach(async () => {
  tempDir = await makeTempDir();
  registryDir = path.join(tempDir.dir, 'mcp');
  registryPath = path.join(registryDir, 'servers.json');
  fs = new ControllableFs();
  timers = new ManualTimers();
  logger = new RecordingLogger();
});

afterEach(async () => {
  await tempDir.remove();
});

async function cacheWithOneFlush(): Promise<{ cache: RegistryMemoryCache; before: string }> {
  const cache = new RegistryMemoryCache({ registryPath, fs, timers, logger });
  await cache.init();
  cache.upsert(stdioServer('kept'));
  await cache.flush();
  return { cache, before: await realFs.readFile(registryPath, 'utf8') };
}

type Operation = Parameters<ControllableFs['failNext']>[0];

const writeFaults: Array<[string, Operation, string, string]> = [
  ['EACCES creating the temp file', 'open', 'EACCES', 'servers.json.tmp-'],
  ['EROFS creating the temp file', 'open', 'EROFS', 'servers.json.tmp-'],
  ['ENOSPC writing the temp file', 'writeFile', 'ENOSPC', 'servers.json.tmp-'],
  ['EIO from fsync of the temp file', 'sync', 'EIO', 'servers.json.tmp-'],
  ['EIO from close of the temp file (a delayed write error)', 'close', 'EIO', 'servers.json.tmp-'],
  ['EROFS renaming the temp file over servers.json', 'rename', 'EROFS', 'servers.json'],
  ['EACCES creating the lock file', 'open', 'EACCES', 'servers.json.lock'],
  ['ENOSPC filling the lock file', 'writeFile', 'ENOSPC', 'servers.json.lock'],
];

describe('a write that fails', () => {
  it.each(writeFaults)(
    '%s: removes the temp file, leaves the old file intact, stays dirty, and the next flush succeeds',
    async (_label, operation, code, pathIncludes) => {
      const { cache, before } = await cacheWithOneFlush();
      cache.upsert(stdioServer('pending'));
      fs.failNext(operation, code, pathIncludes);

      const failure = (await cache.flush().catch((error: unknown) => error)) as RegistryStoreError;
      expect(failure.code).toBe('write_failed');
      expect((failure.cause as NodeJS.ErrnoException).code).toBe(code);
      expect(failure.message).toContain(registryPath);
      expect(await listDir(registryDir)).toEqual(['servers.json', 'servers.json.bak']); // no temp file, no lock
      expect(await realFs.readFile(registryPath, 'utf8')).toBe(before);
      expect(cache.dirty).toBe(true);
      expect(cache.getAll().map((server) => server.name)).toEqual(['kept', 'pending']);
      expect(logger.warnings.map((warning) => warning.msg)).toEqual([
        'Could not flush the MCP registry; keeping changes in memory and retrying',
      ]);

      // The fault is gone: the retry writes everything.
      await cache.flush();
      expect(cache.dirty).toBe(false);
      expect(await namesOnDisk(registryPath)).toEqual(['kept', 'pending']);
      expect(await namesOnDisk(`${registryPath}.bak`)).toEqual(['kept', 'pending']);
      expect(await listDir(registryDir)).toEqual(['servers.json', 'servers.json.bak']);
      await cache.close();
    },
  );

  it('a failed backup write keeps the saved registry, warns once per streak, and the old backup intact', async () => {
    const { cache, before } = await cacheWithOneFlush();
    cache.upsert(stdioServer('second'));
    fs.failNext('writeFile', 'ENOSPC', 'servers.json.bak.tmp-');
    await cache.flush();

    expect(cache.dirty).toBe(false);
    expect(await namesOnDisk(registryPath)).toEqual(['kept', 'second']);
    expect(await realFs.readFile(`${registryPath}.bak`, 'utf8')).toBe(before);
    expect(await listDir(registryDir)).toEqual(['servers.json', 'servers.json.bak']);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.msg).toMatch(/^Could not write the MCP registry backup .*servers\.json\.bak/);

    cache.upsert(stdioServer('third'));
    await cache.flush();
    expect(await namesOnDisk(`${registryPath}.bak`)).toEqual(['kept', 'second', 'third']);
    await cache.close();
  });
});

describe('a registry file that cannot be read (EACCES)', () => {
  it('runs read-only: never writes anything, says so once, and refuses to pretend changes were saved', async () => {
    await realFs.mkdir(registryDir);
    const original = `${JSON.stringify({ version: 1, servers: [stdioServer('theirs')] })}\n`;
    await realFs.writeFile(registryPath, original);
    await realFs.writeFile(path.join(registryDir, 'servers.json.tmp-999999999-1'), 'leftover');
    fs.failUntilCleared('readFile', 'EACCES', 'servers.json');
    const cache = new RegistryMemoryCache({ registryPath, fs, timers, logger, isProcessAlive: () => false });
    await cache.init();

    expect(cache.readOnly).toBe(true);
    expect(cache.getAll()).toEqual([]);
    expect(cache.loadProblems).toEqual([
      { kind: 'unreadable_file', message: 'registry file cannot be read (EACCES)' },
    ]);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.msg).toContain(`Cannot read the MCP registry file ${registryPath} (EACCES)`);
    expect(logger.warnings[0]?.msg).toContain('running read-only');

    cache.upsert(stdioServer('mine'));
    expect(timers.armed).toBe(0);
    await expect(cache.flush()).rejects.toMatchObject({ code: 'read_only', registryPath });
    await expect(cache.flush()).rejects.toMatchObject({ code: 'read_only' });
    await expect(cache.close()).rejects.toMatchObject({ code: 'read_only' });

    expect(logger.warnings).toHaveLength(1);
    expect(cache.dirty).toBe(true);
    expect(fs.opens).toEqual([]); // no lock, no temp file, no backup: nothing was even attempted
    expect(fs.renames).toEqual([]);
    expect(await listDir(registryDir)).toEqual(['servers.json', 'servers.json.tmp-999999999-1']);
    expect(await realFs.readFile(registryPath, 'utf8')).toBe(original);
  });

  it('closes quietly when nothing was changed', async () => {
    fs.failUntilCleared('readFile', 'EPERM', 'servers.json');
    const cache = new RegistryMemoryCache({ registryPath, fs, timers, logger });
    await cache.init();
    expect(cache.readOnly).toBe(true);
    await cache.close();
    expect(await listDir(tempDir.dir)).toEqual([]);
  });
});
