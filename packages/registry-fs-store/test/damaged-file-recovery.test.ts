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
let registryDir: string;
let registryPath: string;
let backupPath: string;
let logger: RecordingLogger;

beforeEach(async () => {
  tempDir = await makeTempDir();
  registryDir = path.join(tempDir.dir, 'mcp');
  registryPath = path.join(registryDir, 'servers.json');
  backupPath = `${registryPath}.bak`;
  logger = new RecordingLogger();
});

afterEach(async () => {
  await tempDir.remove();
});

function newCache(extra: { logger?: RecordingLogger } = {}) {
  return new RegistryMemoryCache({
    registryPath,
    fs: new ControllableFs(),
    timers: new ManualTimers(),
    clock: () => FIXED_NOW,
    logger,
    ...extra,
  });
}

/** Writes alpha and beta through the store, so servers.json and servers.json.bak both hold them. */
async function writeGoodRegistry(): Promise<string> {
  const cache = newCache({ logger: new RecordingLogger() });
  await cache.init();
  cache.upsert(stdioServer('alpha'));
  cache.upsert({ name: 'beta', transport: 'sse', url: 'https://beta.example/sse', headers: { A: 's3cret' } });
  await cache.close();
  return realFs.readFile(registryPath, 'utf8');
}

const damagedFiles: Array<[string, (good: string) => string]> = [
  ['a truncated file', (good) => good.slice(0, Math.floor(good.length / 2))],
  ['an empty file', () => ''],
  ['invalid JSON', () => '{"version": 1, "servers": [ { name: alpha } ]'],
  ['a schema-invalid file (servers is not an array)', () => '{"version": 1, "servers": {"alpha": {}}}\n'],
];

describe('a damaged registry file with a good backup', () => {
  it.each(damagedFiles)(
    '%s is quarantined with its bytes intact and the backup is restored and written back',
    async (_label, damage) => {
      const good = await writeGoodRegistry();
      const damaged = damage(good);
      await realFs.writeFile(registryPath, damaged);

      const cache = newCache();
      await cache.init();

      const quarantinedPath = path.join(registryDir, QUARANTINE_NAME);
      expect(cache.quarantinedPath).toBe(quarantinedPath);
      expect(await realFs.readFile(quarantinedPath, 'utf8')).toBe(damaged);
      expect(cache.restoredFromBackup).toBe(backupPath);
      expect(cache.getAll().map((server) => server.name)).toEqual(['alpha', 'beta']);
      expect(cache.loadProblems.map((problem) => problem.kind)).toEqual(['corrupt_file']);

      expect(logger.warnings).toHaveLength(1);
      const [warning] = logger.warnings;
      expect(warning?.msg).toBe(
        `MCP registry file ${registryPath} was damaged; moved it to ${quarantinedPath} and restored 2 entries from the backup servers.json.bak`,
      );
      expect(warning?.obj).toMatchObject({ registryPath, quarantinedPath, backupPath, restoredEntries: 2 });
      expect(JSON.stringify(logger.warnings)).not.toContain('s3cret');

      // The restored entries exist only in memory until written back.
      expect(cache.dirty).toBe(true);
      await cache.close();
      expect(await realFs.readFile(registryPath, 'utf8')).toBe(good);
      expect(await realFs.readFile(quarantinedPath, 'utf8')).toBe(damaged);
    },
  );

  it('replaces only the invalid entries of a readable file with their backup versions', async () => {
    await writeGoodRegistry();
    const edited = {
      version: 1,
      servers: [
        stdioServer('alpha', { command: 'edited-by-hand' }),
        { name: 'beta', transport: 'sse', url: 'ftp://not-http.example/' },
        stdioServer('gamma'),
      ],
    };
    await realFs.writeFile(registryPath, JSON.stringify(edited));

    const cache = newCache();
    await cache.init();

    expect(cache.getAll()).toEqual([
      { name: 'alpha', transport: 'stdio', enabled: true, command: 'edited-by-hand', args: ['server.js'] },
      {
        name: 'beta',
        transport: 'sse',
        enabled: true,
        url: 'https://beta.example/sse',
        headers: { A: 's3cret' },
      },
      { name: 'gamma', transport: 'stdio', enabled: true, command: 'node', args: ['server.js'] },
    ]);
    expect(cache.loadProblems.map((problem) => problem.kind)).toEqual(['invalid_entry']);
    expect(logger.warnings[0]?.msg).toBe(
      `MCP registry file ${registryPath} was damaged; moved it to ${path.join(registryDir, QUARANTINE_NAME)} and kept 2 entries and restored 1 entry from the backup servers.json.bak`,
    );
    await cache.close();
    expect(await namesOnDisk(registryPath)).toEqual(['alpha', 'beta', 'gamma']);
  });
});

describe('a damaged registry file without a usable backup', () => {
  it.each(damagedFiles)('%s is quarantined and the store starts empty, saying so', async (_label, damage) => {
    const good = await writeGoodRegistry();
    await realFs.rm(backupPath);
    const damaged = damage(good);
    await realFs.writeFile(registryPath, damaged);

    const cache = newCache();
    await cache.init();

    expect(await listDir(registryDir)).toEqual([QUARANTINE_NAME]);
    expect(await realFs.readFile(path.join(registryDir, QUARANTINE_NAME), 'utf8')).toBe(damaged);
    expect(cache.getAll()).toEqual([]);
    expect(cache.restoredFromBackup).toBeUndefined();
    expect(cache.dirty).toBe(false);
    expect(logger.warnings.map((warning) => warning.msg)).toEqual([
      `MCP registry file ${registryPath} was damaged; moved it to ${path.join(registryDir, QUARANTINE_NAME)} and started empty (no usable backup)`,
    ]);
  });

  it('ignores a backup that is damaged too', async () => {
    await writeGoodRegistry();
    await realFs.writeFile(backupPath, '{"version": 1, "serv');
    await realFs.writeFile(registryPath, 'not json');

    const cache = newCache();
    await cache.init();

    expect(cache.getAll()).toEqual([]);
    expect(cache.restoredFromBackup).toBeUndefined();
    expect(logger.warnings[0]?.msg).toMatch(/started empty \(no usable backup\)$/);
    expect(await realFs.readFile(backupPath, 'utf8')).toBe('{"version": 1, "serv');
  });
});

describe('the default logger', () => {
  it('prints the damaged-file warning as a process warning naming the file and what was done', async () => {
    await writeGoodRegistry();
    await realFs.writeFile(registryPath, '');
    const printed: Error[] = [];
    const onWarning = (warning: Error) => printed.push(warning);
    process.on('warning', onWarning);
    try {
      const cache = new RegistryMemoryCache({ registryPath, clock: () => FIXED_NOW, flushIntervalMs: 0 });
      await cache.init();
      await new Promise((resolve) => setImmediate(resolve)); // process warnings are emitted on the next tick
      await cache.close();
    } finally {
      process.off('warning', onWarning);
    }
    const ours = printed.filter((warning) => warning.name === 'RegistryFsStoreWarning');
    expect(ours).toHaveLength(1);
    expect(ours[0]?.message).toContain(`MCP registry file ${registryPath} was damaged`);
    expect(ours[0]?.message).toContain(`moved it to ${path.join(registryDir, QUARANTINE_NAME)}`);
    expect(ours[0]?.message).toContain('restored 2 entries from the backup servers.json.bak');
  });
});

describe('a file changed on disk while the cache runs', () => {
  it('a file damaged by hand is quarantined at the next flush, which writes the last good state plus the change', async () => {
    const cache = newCache();
    await cache.init();
    cache.upsert(stdioServer('alpha'));
    await cache.flush();
    await realFs.writeFile(registryPath, '{"version": 1, "servers": [');

    cache.upsert(stdioServer('beta'));
    await cache.flush();

    expect(await realFs.readFile(path.join(registryDir, QUARANTINE_NAME), 'utf8')).toBe(
      '{"version": 1, "servers": [',
    );
    expect(await namesOnDisk(registryPath)).toEqual(['alpha', 'beta']);
    expect(logger.warnings.map((warning) => warning.msg)).toEqual([
      `MCP registry file ${registryPath} was damaged; moved it to ${path.join(registryDir, QUARANTINE_NAME)} and restored 1 entry from the backup servers.json.bak`,
    ]);
    await cache.close();
  });

  it('a file rewritten by a newer format version is never overwritten: the flush fails with unsupported_version', async () => {
    const cache = newCache();
    await cache.init();
    cache.upsert(stdioServer('alpha'));
    await cache.flush();
    const newer = '{"version": 2, "servers": []}\n';
    await realFs.writeFile(registryPath, newer);

    cache.upsert(stdioServer('beta'));
    await expect(cache.flush()).rejects.toMatchObject({ code: 'unsupported_version', registryPath });
    expect(await realFs.readFile(registryPath, 'utf8')).toBe(newer);
    expect(cache.dirty).toBe(true);
    expect(await listDir(registryDir)).toEqual(['servers.json', 'servers.json.bak']);
  });
});
