import { execFileSync } from 'node:child_process';
import { mkdtempSync, promises as realFs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistryMemoryCache, type RegistryStoreError } from '../src/index.js';
import { listDir, ManualTimers, namesOnDisk, RecordingLogger, stdioServer } from './helpers.js';

const TMPFS_BYTES = 64 * 1024;
const PAGE_BYTES = 4096;

/** Mounts a 64 KiB tmpfs, or says why it cannot (not Linux, not root, no mount permission in this container). */
function mountSmallTmpfs(): { dir: string; reason?: undefined } | { dir?: undefined; reason: string } {
  if (process.platform !== 'linux') return { reason: 'tmpfs needs Linux' };
  if (process.getuid?.() !== 0) return { reason: 'mounting a tmpfs needs root' };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-fs-store-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { reason: `mount -t tmpfs was refused (${(error as Error).message.split('\n')[0]})` };
  }
}

/** Fills the file system to the last byte, then frees `spareBytes` of it. */
async function fillLeaving(dir: string, spareBytes: number): Promise<string> {
  const filler = path.join(dir, 'filler');
  const handle = await realFs.open(filler, 'w');
  try {
    const chunk = Buffer.alloc(PAGE_BYTES, 1);
    for (let written = 0; written <= TMPFS_BYTES; written += PAGE_BYTES) {
      try {
        await handle.write(chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw error;
      }
    }
  } finally {
    await handle.close();
  }
  const { size } = await realFs.stat(filler);
  await realFs.truncate(filler, Math.max(0, size - spareBytes));
  return filler;
}

describe('a real full disk (64 KiB tmpfs)', () => {
  it('ENOSPC: removes the partial temp file, keeps the old file, stays dirty, and writes once space is freed', async (context) => {
    const mounted = mountSmallTmpfs();
    // Mounted inside the test and unmounted in its finally: a filtered-out run never leaves a mount behind.
    if (mounted.reason !== undefined) context.skip(`no real ENOSPC here: ${mounted.reason}`);
    const dir = mounted.dir as string;
    try {
      await fullDiskScenario(dir);
    } finally {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function fullDiskScenario(dir: string): Promise<void> {
  const registryPath = path.join(dir, 'servers.json');
  const logger = new RecordingLogger();
  const cache = new RegistryMemoryCache({ registryPath, timers: new ManualTimers(), logger });
  await cache.init();
  cache.upsert(stdioServer('small'));
  await cache.flush();
  const before = await realFs.readFile(registryPath, 'utf8');

  // ~17 KiB of new entries; only two pages are left: enough for the lock, not for the temp file. Once the
  // filler is gone there is room for the file and its backup (64 KiB holds both, plus one temp file).
  for (let index = 0; index < 40; index++) {
    cache.upsert(stdioServer(`big-${index}`, { metadata: { note: 'x'.repeat(300) } }));
  }
  const filler = await fillLeaving(dir, 2 * PAGE_BYTES);

  const failure = (await cache.flush().catch((error: unknown) => error)) as RegistryStoreError;
  expect(failure.code).toBe('write_failed');
  expect((failure.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
  expect(await listDir(dir)).toEqual(['filler', 'servers.json', 'servers.json.bak']);
  expect(await realFs.readFile(registryPath, 'utf8')).toBe(before);
  expect(cache.dirty).toBe(true);
  expect(logger.warnings).toHaveLength(1);

  await realFs.rm(filler);
  await cache.flush();
  expect(cache.dirty).toBe(false);
  expect(await namesOnDisk(registryPath)).toHaveLength(41);
  expect(await namesOnDisk(`${registryPath}.bak`)).toHaveLength(41);
  expect(await listDir(dir)).toEqual(['servers.json', 'servers.json.bak']);
  expect(logger.warnings).toHaveLength(1); // nothing more went wrong, the backup included
  await cache.close();
}
