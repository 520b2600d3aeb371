import { execFileSync } from 'node:child_process';
import { mkdtempSync, promises as realFs, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryMemoryCache, type RegistryStoreError } from '../src/index.js';
import {
  ControllableFs,
  ManualTimers,
  makeTempDir,
  namesOnDisk,
  RecordingLogger,
  stdioServer,
} from './helpers.js';

type ReadOnlyMechanism = 'chattr +i' | 'chmod 0555' | 'injected EACCES';

/**
 * Root ignores mode bits, so as root the directory is made immutable with chattr; as another user
 * chmod 0555 is enough; where neither works (no chattr, not Linux) the injected fs raises EACCES.
 */
function detectMechanism(): ReadOnlyMechanism {
  if (process.platform === 'win32') return 'injected EACCES';
  if (process.getuid?.() !== 0) return 'chmod 0555';
  const probe = mkdtempSync(path.join(os.tmpdir(), 'registry-fs-store-chattr-'));
  try {
    execFileSync('chattr', ['+i', probe], { stdio: 'ignore' });
    try {
      writeFileSync(path.join(probe, 'x'), 'x');
      return 'injected EACCES'; // chattr ran but did not stop writes (e.g. tmpfs)
    } catch {
      return 'chattr +i';
    } finally {
      execFileSync('chattr', ['-i', probe], { stdio: 'ignore' });
    }
  } catch {
    return 'injected EACCES';
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const mechanism = detectMechanism();

let tempDir: { dir: string; remove: () => Promise<void> };
let registryDir: string;
let fs: ControllableFs;
let readOnly = false;

async function makeReadOnly(): Promise<void> {
  readOnly = true;
  if (mechanism === 'chattr +i') execFileSync('chattr', ['+i', registryDir]);
  else if (mechanism === 'chmod 0555') await realFs.chmod(registryDir, 0o555);
  else fs.failUntilCleared('open', 'EACCES');
}

async function makeWritable(): Promise<void> {
  if (!readOnly) return;
  readOnly = false;
  if (mechanism === 'chattr +i') execFileSync('chattr', ['-i', registryDir]);
  else if (mechanism === 'chmod 0555') await realFs.chmod(registryDir, 0o700);
  else fs.clearFaults();
}

beforeEach(async () => {
  tempDir = await makeTempDir();
  registryDir = path.join(tempDir.dir, 'mcp');
  fs = new ControllableFs();
});

afterEach(async () => {
  await makeWritable(); // never leave an immutable directory behind
  await tempDir.remove();
});

describe('flush failures', () => {
  it(`a flush into a read-only directory (${mechanism}) warns once, keeps the data dirty in memory, and succeeds once writable`, async () => {
    const registryPath = path.join(registryDir, 'servers.json');
    const timers = new ManualTimers();
    const logger = new RecordingLogger();
    const cache = new RegistryMemoryCache({ registryPath, fs, timers, logger });
    await cache.init();
    cache.upsert(stdioServer('before'));
    await cache.flush();

    await makeReadOnly();
    try {
      cache.upsert(stdioServer('while-read-only'));
      const failure = (await cache.flush().catch((error: unknown) => error)) as RegistryStoreError;
      expect(failure.code).toBe('write_failed');
      expect(failure.message).toContain(registryPath);
      expect(['EACCES', 'EPERM']).toContain((failure.cause as NodeJS.ErrnoException).code);
      expect(logger.warnings).toHaveLength(1);
      expect(logger.warnings[0]?.obj).toMatchObject({ registryPath });

      expect(cache.dirty).toBe(true);
      expect(cache.getAll().map((server) => server.name)).toEqual(['before', 'while-read-only']);
      expect(await namesOnDisk(registryPath)).toEqual(['before']);
      expect(timers.armed).toBe(1); // the retry is scheduled

      // The next tick fails again: still dirty, and no second warning for the same failure streak.
      timers.fireAll();
      await expect(cache.flush()).rejects.toMatchObject({ code: 'write_failed' });
      expect(logger.warnings).toHaveLength(1);
      expect(logger.debugs.length).toBeGreaterThan(0);
      expect(cache.dirty).toBe(true);
    } finally {
      await makeWritable();
    }

    expect(timers.fireAll()).toBe(1);
    await cache.flush();
    expect(await namesOnDisk(registryPath)).toEqual(['before', 'while-read-only']);
    expect(cache.dirty).toBe(false);
    expect(logger.infos.map((info) => info.msg)).toEqual(['MCP registry flush recovered']);
    expect((await realFs.readdir(registryDir)).filter((name) => name.includes('.tmp-'))).toEqual([]);
    await cache.close();
  });

  it('removes its temp file when fsync fails and keeps the old file', async () => {
    const registryPath = path.join(registryDir, 'servers.json');
    const cache = new RegistryMemoryCache({
      registryPath,
      fs,
      timers: new ManualTimers(),
      logger: new RecordingLogger(),
    });
    await cache.init();
    cache.upsert(stdioServer('kept'));
    await cache.flush();
    cache.upsert(stdioServer('pending'));
    fs.failNext('sync', 'EIO');

    await expect(cache.flush()).rejects.toMatchObject({ code: 'write_failed' });
    // The backup of the first flush is there too; no temp file and no lock are left.
    expect((await realFs.readdir(registryDir)).sort()).toEqual(['servers.json', 'servers.json.bak']);
    expect(await namesOnDisk(registryPath)).toEqual(['kept']);
    await cache.close();
    expect(await namesOnDisk(registryPath)).toEqual(['kept', 'pending']);
  });
});
