import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promises as realFs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RegistryFs, RegistryMemoryCache } from '../src/index.js';
import { ControllableFs, deadPid, listDir, makeTempDir, RecordingLogger } from './helpers.js';

const STALE_TEMP_FILE_MS = 600_000;

let tempDir: { dir: string; remove: () => Promise<void> };
let registryPath: string;
let liveWriter: ChildProcess;
let livePid: number;

beforeEach(async () => {
  tempDir = await makeTempDir();
  registryPath = path.join(tempDir.dir, 'servers.json');
  // A real, running process standing in for another host process in the middle of a write.
  liveWriter = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await once(liveWriter, 'spawn');
  livePid = liveWriter.pid as number;
});

afterEach(async () => {
  const exited = once(liveWriter, 'exit');
  liveWriter.kill('SIGKILL');
  await exited;
  await tempDir.remove();
});

async function leaveFile(name: string, ageMs = 0): Promise<void> {
  const filePath = path.join(tempDir.dir, name);
  await realFs.writeFile(filePath, '{"version": 1, "servers": [{"name": "ghost"}]}');
  if (ageMs > 0) {
    const then = new Date(Date.now() - ageMs);
    await realFs.utimes(filePath, then, then);
  }
}

async function initWith(fs: RegistryFs): Promise<RegistryMemoryCache> {
  const cache = new RegistryMemoryCache({
    registryPath,
    fs,
    logger: new RecordingLogger(),
    flushIntervalMs: 0,
  });
  await cache.init();
  return cache;
}

describe('orphaned temp files at start-up', () => {
  it("deletes a dead process's temp files of the file, its backup and its lock, and keeps a live writer's", async () => {
    const dead = deadPid();
    await leaveFile(`servers.json.tmp-${dead}-0`);
    await leaveFile(`servers.json.bak.tmp-${dead}-1`);
    await leaveFile(`servers.json.lock.tmp-${dead}-2`);
    await leaveFile(`servers.json.tmp-${livePid}-3`);
    await leaveFile(`other.json.tmp-${dead}-4`);
    await leaveFile('servers.json.tmp-not-a-pid');

    const cache = await initWith(new ControllableFs());

    expect([...cache.removedTempFiles].sort()).toEqual([
      `servers.json.bak.tmp-${dead}-1`,
      `servers.json.lock.tmp-${dead}-2`,
      `servers.json.tmp-${dead}-0`,
    ]);
    expect(await listDir(tempDir.dir)).toEqual(
      [`other.json.tmp-${dead}-4`, 'servers.json.tmp-not-a-pid', `servers.json.tmp-${livePid}-3`].sort(),
    );
    expect(cache.getAll()).toEqual([]); // never read as data
  });

  it("deletes a live pid's temp file only once it is older than staleTempFileMs (a reused pid)", async () => {
    await leaveFile(`servers.json.tmp-${livePid}-1`, STALE_TEMP_FILE_MS - 60_000);
    await leaveFile(`servers.json.tmp-${livePid}-2`, STALE_TEMP_FILE_MS + 60_000);

    const cache = await initWith(new ControllableFs());

    expect(cache.removedTempFiles).toEqual([`servers.json.tmp-${livePid}-2`]);
    expect(await listDir(tempDir.dir)).toEqual([`servers.json.tmp-${livePid}-1`]);
  });

  it("keeps every live pid's temp file when the fs has no stat to tell its age", async () => {
    await leaveFile(`servers.json.tmp-${livePid}-2`, STALE_TEMP_FILE_MS + 60_000);
    const full = new ControllableFs();
    const withoutStat: RegistryFs = {
      open: (...args) => full.open(...args),
      readFile: (...args) => full.readFile(...args),
      rename: (...args) => full.rename(...args),
      unlink: (...args) => full.unlink(...args),
      mkdir: (...args) => full.mkdir(...args),
      readdir: (...args) => full.readdir(...args),
    };

    const cache = await initWith(withoutStat);

    expect(cache.removedTempFiles).toEqual([]);
    expect(await listDir(tempDir.dir)).toEqual([`servers.json.tmp-${livePid}-2`]);
  });
});
