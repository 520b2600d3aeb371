import { spawnSync } from 'node:child_process';
import { promises as realFs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryMemoryCache } from '../src/index.js';
import {
  ControllableFs,
  ManualTimers,
  makeTempDir,
  namesOnDisk,
  RecordingLogger,
  stdioServer,
} from './helpers.js';

const FIXED_NOW = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

let tempDir: { dir: string; remove: () => Promise<void> };
let registryDir: string;
let registryPath: string;
let fs: ControllableFs;
let logger: RecordingLogger;
let timers: ManualTimers;

beforeEach(async () => {
  tempDir = await makeTempDir();
  registryDir = path.join(tempDir.dir, 'mcp');
  registryPath = path.join(registryDir, 'servers.json');
  await realFs.mkdir(registryDir);
  fs = new ControllableFs();
  logger = new RecordingLogger();
  timers = new ManualTimers();
});

afterEach(async () => {
  await tempDir.remove();
});

function newCache() {
  return new RegistryMemoryCache({ registryPath, fs, logger, timers, clock: () => FIXED_NOW });
}

async function listDir(): Promise<string[]> {
  return (await realFs.readdir(registryDir)).sort();
}

describe('loading a damaged file', () => {
  it('quarantines a corrupt file with its bytes intact, starts empty and reports it', async () => {
    const corrupt = Buffer.concat([
      Buffer.from('{"version":1,"servers":[{"name":"a","env":{"TOKEN":"s3cret'),
      Buffer.from([0, 255, 10]),
    ]);
    await realFs.writeFile(registryPath, corrupt);
    const cache = newCache();
    await cache.init();

    const quarantinedPath = `${registryPath}.corrupt-2025-01-02T030405.678Z`;
    expect(cache.quarantinedPath).toBe(quarantinedPath);
    expect(await listDir()).toEqual(['servers.json.corrupt-2025-01-02T030405.678Z']);
    expect((await realFs.readFile(quarantinedPath)).equals(corrupt)).toBe(true);
    expect(cache.getAll()).toEqual([]);
    expect(cache.dirty).toBe(false);
    expect(cache.loadProblems).toEqual([
      { kind: 'corrupt_file', message: 'registry file is not valid JSON' },
    ]);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]?.obj).toMatchObject({ registryPath, quarantinedPath });
    expect(JSON.stringify(logger.warnings)).not.toContain('s3cret');

    cache.upsert(stdioServer('fresh'));
    await cache.close();
    expect(await namesOnDisk(registryPath)).toEqual(['fresh']);
    expect((await realFs.readFile(quarantinedPath)).equals(corrupt)).toBe(true);
  });

  it('quarantines a file of the wrong shape', async () => {
    await realFs.writeFile(registryPath, '{"servers": {"a": 1}}\n');
    const cache = newCache();
    await cache.init();
    expect(cache.loadProblems.map((problem) => problem.message)).toEqual([
      'registry file has no "servers" array',
    ]);
    expect(await listDir()).toEqual(['servers.json.corrupt-2025-01-02T030405.678Z']);
  });

  it('keeps the valid entries of a partly invalid file, reports each bad one, and writes the valid ones back', async () => {
    const original = `${JSON.stringify({
      version: 1,
      servers: [
        stdioServer('good'),
        {
          name: 'bad',
          transport: 'sse',
          url: 'ftp://files.example/',
          headers: { Authorization: 'Bearer s3cret' },
        },
        stdioServer('good', { command: 'other' }),
      ],
    })}\n`;
    await realFs.writeFile(registryPath, original);
    const cache = newCache();
    await cache.init();

    expect(cache.getAll().map((server) => server.name)).toEqual(['good']);
    expect(cache.loadProblems).toEqual([
      {
        kind: 'invalid_entry',
        index: 1,
        name: 'bad',
        message: 'servers[1] "bad": url: must be an http: or https: URL',
      },
      {
        kind: 'duplicate_entry',
        index: 2,
        name: 'good',
        message: 'servers[2]: duplicate name "good"; the first entry was kept',
      },
    ]);
    expect(JSON.stringify(logger.warnings)).not.toContain('s3cret');
    expect(cache.dirty).toBe(true);
    expect(timers.armed).toBe(1);
    expect(await realFs.readFile(`${registryPath}.corrupt-2025-01-02T030405.678Z`, 'utf8')).toBe(original);

    timers.fireAll();
    await cache.close();
    expect(await namesOnDisk(registryPath)).toEqual(['good']);
  });

  it('refuses to start when the damaged file cannot be moved aside, leaving it in place', async () => {
    await realFs.writeFile(registryPath, 'not json');
    fs.failNext('rename', 'EACCES');
    const cache = newCache();

    await expect(cache.init()).rejects.toMatchObject({ code: 'read_failed' });
    expect(await listDir()).toEqual(['servers.json']);
    await cache.init(); // a failed init may be retried
    expect(await listDir()).toEqual(['servers.json.corrupt-2025-01-02T030405.678Z']);
  });

  it('refuses a file from a newer format version and leaves it untouched', async () => {
    await realFs.writeFile(registryPath, '{"version": 2, "servers": []}');
    await expect(newCache().init()).rejects.toMatchObject({ code: 'unsupported_version' });
    expect(await listDir()).toEqual(['servers.json']);
  });

  it('fails with read_failed when the path is not a readable file', async () => {
    await realFs.mkdir(registryPath);
    await expect(newCache().init()).rejects.toMatchObject({ code: 'read_failed', registryPath });
  });
});

describe('loading a good file', () => {
  it('starts empty without creating anything when the file is missing', async () => {
    const cache = newCache();
    await cache.init();
    expect(cache.getAll()).toEqual([]);
    expect(cache.loadProblems).toEqual([]);
    await cache.close();
    expect(await listDir()).toEqual([]);
  });

  it('reads back exactly what it wrote', async () => {
    const first = newCache();
    await first.init();
    first.upsert({
      name: 'remote',
      transport: 'streamable-http',
      url: 'https://x.example/mcp',
      metadata: { n: 1 },
    });
    first.upsert(stdioServer('local', { cwd: '/srv', enabled: false }));
    await first.close();
    const second = newCache();
    await second.init();
    expect(second.getAll()).toEqual(first.getAll());
    expect(second.dirty).toBe(false);
  });

  it("reads Cortex-OS's older files: a bare array, streamableHttp and endpoint", async () => {
    const legacy = JSON.stringify([
      { name: 'remote', transport: 'streamableHttp', endpoint: 'https://x.example/mcp', headers: { a: 'b' } },
      { name: 'events', transport: 'sse', endpoint: 'http://127.0.0.1:9/sse' },
      { name: 'local', transport: 'stdio', command: 'node', args: ['s.js'], env: { A: '1' } },
    ]);
    await realFs.writeFile(registryPath, legacy);
    const cache = newCache();
    await cache.init();

    expect(cache.loadProblems).toEqual([]);
    expect(cache.getAll()).toEqual([
      { name: 'events', transport: 'sse', enabled: true, url: 'http://127.0.0.1:9/sse' },
      { name: 'local', transport: 'stdio', enabled: true, command: 'node', args: ['s.js'], env: { A: '1' } },
      {
        name: 'remote',
        transport: 'streamable-http',
        enabled: true,
        url: 'https://x.example/mcp',
        headers: { a: 'b' },
      },
    ]);
    expect(cache.dirty).toBe(false);
    expect(await realFs.readFile(registryPath, 'utf8')).toBe(legacy);
  });

  it('accepts the { servers } envelope without a version', async () => {
    await realFs.writeFile(registryPath, JSON.stringify({ servers: [stdioServer('a')] }));
    const cache = newCache();
    await cache.init();
    expect(cache.getAll().map((server) => server.name)).toEqual(['a']);
  });
});

describe('leftover temp files', () => {
  it('deletes temp files of dead processes, keeps live ones, and never reads them as data', async () => {
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    const ghost = JSON.stringify({ version: 1, servers: [stdioServer('ghost')] });
    await realFs.writeFile(path.join(registryDir, `servers.json.tmp-${deadPid}-4`), ghost);
    await realFs.writeFile(path.join(registryDir, `servers.json.tmp-${process.pid}-999999`), ghost);
    await realFs.writeFile(path.join(registryDir, `other.json.tmp-${deadPid}-1`), ghost);
    const cache = newCache();
    await cache.init();

    expect(cache.removedTempFiles).toEqual([`servers.json.tmp-${deadPid}-4`]);
    expect(await listDir()).toEqual([
      `other.json.tmp-${deadPid}-1`,
      `servers.json.tmp-${process.pid}-999999`,
    ]);
    expect(cache.getAll()).toEqual([]);
  });
});
