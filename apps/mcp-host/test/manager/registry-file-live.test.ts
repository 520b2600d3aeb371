import type { FSWatcher } from 'node:fs';
import { readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RegistryMemoryCache } from '@cortex-mcp/registry-fs-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DemoConnector } from '../../src/demo/demo-connector.js';
import { type WatchDirectory, watchDirectory } from '../../src/manager/registry-file-watch.js';
import { type LogLine, registryFileOf, TestBed, toolNames } from './fixtures.js';

let bed: TestBed;
let alpha: DemoConnector;
let beta: DemoConnector;
beforeEach(async () => {
  bed = await new TestBed().start();
  [alpha, beta] = await Promise.all([bed.demo('alpha'), bed.demo('beta')]);
});
afterEach(() => bed.close());

const DEMO_TOOLS = ['add', 'count', 'echo', 'log', 'wait'];
const toolsOf = (...ids: string[]) => ids.flatMap((id) => DEMO_TOOLS.map((tool) => `${id}.${tool}`)).sort();
const server = (name: string, demo: DemoConnector) => ({
  name,
  transport: 'streamable-http' as const,
  url: demo.streamableUrl,
});

/** A registry-file-only host (async mode, so it watches) serving alpha from its registry file. */
async function liveHost(
  overrides: { registryWatchDebounceMs?: number; watchDirectory?: WatchDirectory } = {},
) {
  const registryPath = await registryFileOf(bed, [server('alpha', alpha)]);
  const host = bed.manager({
    serviceMapUrl: undefined,
    stateDir: await bed.tempDir(),
    registryPath,
    refreshSync: false,
    registryWatchDebounceMs: 20,
    ...overrides,
  });
  await host.manager.start();
  await host.waitForLog(isSync('start'), 'the start sync');
  expect(toolNames(host.registry)).toEqual(toolsOf('alpha'));
  return { ...host, registryPath };
}

const isSync = (reason: string) => (line: LogLine) =>
  line.msg === 'connector sync finished' && line.reason === reason;
const syncReasons = (host: Awaited<ReturnType<typeof liveHost>>) =>
  (host.manager.status().recentSyncs ?? []).map((sync) => sync.reason);
const isReread = (line: LogLine) => line.msg === 'registry file read again';
/** Matches the n-th (1-based) line of `logs` that matches `predicate`. */
const nth = (logs: LogLine[], predicate: (line: LogLine) => boolean, n: number) => (line: LogLine) =>
  predicate(line) && logs.filter(predicate)[n - 1] === line;

/** Writes like `mcp-host servers add/remove`: another process's cache, temp file + rename. */
async function writeLikeTheCli(registryPath: string, change: (cache: RegistryMemoryCache) => void) {
  const cli = new RegistryMemoryCache({ registryPath, flushIntervalMs: 0, logger: { warn: () => {} } });
  await cli.init();
  change(cli);
  await cli.close();
}

describe('a live registry file', () => {
  it('syncs a server added by a rename-over write and one removed by a hand edit, through the sync path', async () => {
    const host = await liveHost();

    await writeLikeTheCli(host.registryPath, (cli) => cli.upsert(server('beta', beta)));
    await host.waitForLog(isSync('registry-file'), 'the sync of the added server');
    expect(toolNames(host.registry)).toEqual(toolsOf('alpha', 'beta'));

    await writeFile(host.registryPath, JSON.stringify({ version: 1, servers: [server('beta', beta)] }));
    await host.waitForLog(nth(host.logs, isSync('registry-file'), 2), 'the sync of the hand edit');
    expect(toolNames(host.registry)).toEqual(toolsOf('beta'));
    expect(host.manager.status().connectors.map((connector) => connector.id)).toEqual(['beta']);
  });

  it('keeps the running set when a hand edit leaves invalid JSON, and logs the quarantine', async () => {
    const host = await liveHost();
    const version = host.registry.version;
    const damaged = '{ "version": 1, "servers": [ { name: beta } ';

    await writeFile(host.registryPath, damaged);

    const warning = await host.waitForLog(
      (line) => line.level === 40 && /is damaged/.test(line.msg),
      'the quarantine warning',
    );
    const quarantined = (await readdir(dirname(host.registryPath))).filter((name) =>
      name.startsWith('servers.json.corrupt-'),
    );
    expect(quarantined).toHaveLength(1);
    expect(warning).toMatchObject({
      quarantinedPath: join(dirname(host.registryPath), quarantined[0] ?? ''),
    });
    expect(await readFile(join(dirname(host.registryPath), quarantined[0] ?? ''), 'utf8')).toBe(damaged);
    // The entries it held are written back, and that write (its own) is read without a sync.
    await host.waitForLog(nth(host.logs, isReread, 2), 'the re-read of the written-back file');
    const restored = JSON.parse(await readFile(host.registryPath, 'utf8')) as { servers: { name: string }[] };
    expect(restored.servers.map((entry) => entry.name)).toEqual(['alpha']);
    expect(toolNames(host.registry)).toEqual(toolsOf('alpha'));
    expect(host.registry.version).toBe(version);
    expect(syncReasons(host)).toEqual(['start']);
    expect(alpha.observations.initializations).toBe(1);
  });

  it("does not sync for the host's own flush of the file", async () => {
    const host = await liveHost();
    const registryFile = host.manager.registryFile as RegistryMemoryCache;

    registryFile.upsert({ name: 'parked', transport: 'stdio', command: 'true', enabled: false });
    await registryFile.flush();

    await host.waitForLog(nth(host.logs, isReread, 1), 'the re-read after the own flush');
    expect(syncReasons(host)).toEqual(['start']);
    // The watch is alive: the next edit by someone else is synced.
    await writeLikeTheCli(host.registryPath, (cli) => cli.upsert(server('beta', beta)));
    await host.waitForLog(isSync('registry-file'), 'the sync of the edit');
    expect(syncReasons(host)).toEqual(['start', 'registry-file']);
  });

  it('reads a deleted file as no registry-file servers, as a start would', async () => {
    const host = await liveHost();

    await unlink(host.registryPath);

    await host.waitForLog(isSync('registry-file'), 'the sync after the deletion');
    expect(toolNames(host.registry)).toEqual([]);
    expect(host.manager.status().connectors).toEqual([]);
  });

  it('closes its watch on disconnect(): no handle is left open', async () => {
    const watches = countingWatches();
    const host = await liveHost({ watchDirectory: watches.watchDirectory });
    expect(watches.open()).toBe(1);

    await host.manager.disconnect();

    expect(watches.open()).toBe(0);
  });

  it('with watching off (debounce 0) opens no watch, and a refresh still reads an edit', async () => {
    const watches = countingWatches();
    const host = await liveHost({ registryWatchDebounceMs: 0, watchDirectory: watches.watchDirectory });
    expect(watches.opened).toBe(0);

    await writeLikeTheCli(host.registryPath, (cli) => cli.upsert(server('beta', beta)));
    await host.manager.refresh('timer');

    expect(toolNames(host.registry)).toEqual(toolsOf('alpha', 'beta'));
  });
});

/**
 * The real directory watch, counting the `fs.watch` handles it opens and those Node reports closed. (Not
 * `process.getActiveResourcesInfo()`: the watch is not persistent, and such handles are not listed there.)
 */
function countingWatches() {
  const counts = { opened: 0, closed: 0 };
  const countingWatch: WatchDirectory = async (directory, events) => {
    const watcher = (await watchDirectory(directory, events)) as FSWatcher;
    counts.opened += 1;
    watcher.once('close', () => {
      counts.closed += 1;
    });
    return watcher;
  };
  return {
    watchDirectory: countingWatch,
    get opened() {
      return counts.opened;
    },
    open: () => counts.opened - counts.closed,
  };
}
