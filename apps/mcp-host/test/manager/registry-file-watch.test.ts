import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { DirectoryEvents, WatchDirectory } from '../../src/manager/registry-file-watch.js';
import { RegistryFileWatch } from '../../src/manager/registry-file-watch.js';
import type { ManagerTimers } from '../../src/manager/timers.js';
import type { LogLine } from './fixtures.js';

/** Timers that fire only when the test says so. */
class ManualTimers implements ManagerTimers {
  readonly #pending = new Map<number, { callback: () => void; delayMs: number }>();
  #nextId = 1;

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.#nextId++;
    this.#pending.set(id, { callback, delayMs });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  get delays(): number[] {
    return [...this.#pending.values()].map((timer) => timer.delayMs);
  }

  fireAll(): void {
    const due = [...this.#pending.values()];
    this.#pending.clear();
    for (const timer of due) timer.callback();
  }
}

/** A directory watch the test drives: each open is recorded with its events and whether it was closed. */
class FakeDirectories {
  readonly opened: Array<{ directory: string; events: DirectoryEvents; closed: boolean }> = [];
  failure: Error | undefined;

  readonly watch: WatchDirectory = async (directory, events) => {
    if (this.failure) throw this.failure;
    const entry = { directory, events, closed: false };
    this.opened.push(entry);
    return {
      close: () => {
        entry.closed = true;
      },
    };
  };

  get current() {
    const last = this.opened.at(-1);
    if (!last) throw new Error('nothing is watched');
    return last;
  }
}

function setUp(debounceMs = 250) {
  const timers = new ManualTimers();
  const directories = new FakeDirectories();
  const logs: LogLine[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => logs.push(JSON.parse(line) as LogLine) },
  );
  let changes = 0;
  const watch = new RegistryFileWatch({
    registryPath: '/home/me/.config/cortex-os/mcp/servers.json',
    debounceMs,
    watchDirectory: directories.watch,
    timers,
    logger,
    onChange: () => {
      changes += 1;
    },
  });
  return { watch, timers, directories, logs, changes: () => changes };
}

describe('RegistryFileWatch', () => {
  it('watches the directory (writers replace the file by rename) and reports a burst on the file once, after the quiet time', async () => {
    const { watch, timers, directories, changes } = setUp(250);
    await watch.start();
    expect(directories.current.directory).toBe('/home/me/.config/cortex-os/mcp');

    directories.current.events.onChange('servers.json.tmp-4242-0');
    directories.current.events.onChange('servers.json.lock');
    directories.current.events.onChange('servers.json.bak');
    expect(timers.delays).toEqual([]);
    directories.current.events.onChange('servers.json');
    directories.current.events.onChange('servers.json');
    directories.current.events.onChange(undefined); // a platform that does not name the entry
    expect(timers.delays).toEqual([250]);
    expect(changes()).toBe(0);

    timers.fireAll();
    expect(changes()).toBe(1);
    await watch.stop();
  });

  it('warns once per failure streak, retries at start(), and reads the file once it watches again', async () => {
    const { watch, timers, directories, logs, changes } = setUp();
    directories.failure = Object.assign(
      new Error('ENOSPC: System limit for number of file watchers reached'),
      {
        code: 'ENOSPC',
      },
    );
    await watch.start();
    await watch.start();
    const warnings = logs.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      msg: 'cannot watch the registry file; its changes are read at the next refresh',
      registryPath: '/home/me/.config/cortex-os/mcp/servers.json',
    });
    expect(String(warnings[0]?.err)).toContain('ENOSPC');

    directories.failure = undefined;
    await watch.start();
    expect(directories.opened).toHaveLength(1);
    expect(logs.at(-1)?.msg).toBe('watching the registry file again');
    timers.fireAll();
    expect(changes()).toBe(1);
    await watch.stop();
  });

  it('a watch that breaks (its directory removed) is warned about once, closed, read once more and reopened by start()', async () => {
    const { watch, timers, directories, logs, changes } = setUp();
    await watch.start();
    const first = directories.current;
    first.events.onError(
      Object.assign(new Error('/home/me/.config/cortex-os/mcp was removed'), { code: 'ENOENT' }),
    );

    expect(first.closed).toBe(true);
    expect(logs.filter((line) => line.level === 40)).toHaveLength(1);
    timers.fireAll();
    expect(changes()).toBe(1);

    await watch.start();
    expect(directories.opened).toHaveLength(2);
    expect(directories.current.closed).toBe(false);
    await watch.stop();
  });

  it('stop() closes the watch, drops a pending change and makes start() a no-op', async () => {
    const { watch, timers, directories, changes } = setUp();
    await watch.start();
    directories.current.events.onChange('servers.json');

    await watch.stop();

    expect(directories.current.closed).toBe(true);
    expect(timers.delays).toEqual([]);
    directories.current.events.onChange('servers.json');
    expect(timers.delays).toEqual([]);
    await watch.start();
    expect(directories.opened).toHaveLength(1);
    expect(changes()).toBe(0);
  });

  it('a stop() while the watch is opening closes it as soon as it opens', async () => {
    const { watch, directories } = setUp();
    const starting = watch.start();
    const stopping = watch.stop();
    await Promise.all([starting, stopping]);
    expect(directories.opened.map((entry) => entry.closed)).toEqual([true]);
  });
});
