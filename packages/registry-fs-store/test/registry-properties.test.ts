import { promises as realFs } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRegistryText, RegistryMemoryCache, type ServerInfo } from '../src/index.js';
import { ManualTimers, makeTempDir, RecordingLogger } from './helpers.js';

/** A few names, so upserts, removals and reopenings keep hitting the same entries. */
const NAMES = ['alpha', 'beta', 'gamma', 'delta'] as const;
/** Fixed for reproducibility; fast-check prints the counterexample and its path on failure. */
const SEED = 20_251_125;

type Operation =
  | { kind: 'upsert'; writer: number; name: string; version: number }
  | { kind: 'remove'; writer: number; name: string }
  | { kind: 'flush'; writer: number }
  | { kind: 'reopen'; writer: number };

function operations(writers: number): fc.Arbitrary<Operation[]> {
  const writer = fc.integer({ min: 0, max: writers - 1 });
  const name = fc.constantFrom(...NAMES);
  const operation: fc.Arbitrary<Operation> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ kind: fc.constant('upsert' as const), writer, name, version: fc.nat(9) }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), writer, name }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('flush' as const), writer }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const), writer }) },
  );
  return fc.array(operation, { maxLength: 24 });
}

function server(name: string, version: number): ServerInfo {
  return { name, transport: 'stdio', enabled: true, command: 'node', args: [`v${version}.js`] };
}

let tempDir: { dir: string; remove: () => Promise<void> };
let run = 0;

beforeAll(async () => {
  tempDir = await makeTempDir();
});

afterAll(async () => {
  await tempDir.remove();
});

/** The file's entries; none before the first write. */
async function onDisk(registryPath: string): Promise<ServerInfo[]> {
  const text = await realFs.readFile(registryPath, 'utf8').catch(() => undefined);
  if (text === undefined) return [];
  const parsed = parseRegistryText(text);
  if (parsed.kind !== 'ok') throw new Error(`the registry file does not parse (${parsed.kind})`);
  expect(parsed.problems).toEqual([]);
  return parsed.servers;
}

/**
 * Applies `ops` to `writers` caches on one real file and checks each flush against a model: the file is the
 * previous file with the flushing cache's own changes (since its last flush) on top, and that cache's memory
 * equals the file afterwards. One writer is the single-process case; two are two processes sharing the file.
 */
async function check(ops: Operation[], writers: number): Promise<void> {
  const registryPath = path.join(tempDir.dir, `run-${run++}`, 'servers.json');
  const open = async () => {
    const cache = new RegistryMemoryCache({
      registryPath,
      timers: new ManualTimers(),
      logger: new RecordingLogger(),
      flushIntervalMs: 0,
    });
    await cache.init();
    return cache;
  };
  const caches = await Promise.all(Array.from({ length: writers }, open));
  const disk = new Map<string, ServerInfo>();
  const unflushed = caches.map(() => new Map<string, ServerInfo | null>());
  const flush = async (index: number) => {
    const cache = caches[index] as RegistryMemoryCache;
    const wrote = cache.dirty;
    await cache.flush();
    if (wrote) {
      for (const [name, value] of unflushed[index] ?? []) {
        if (value) disk.set(name, value);
        else disk.delete(name);
      }
      unflushed[index]?.clear();
    }
    const file = await onDisk(registryPath);
    expect(file).toEqual([...disk.values()].sort((a, b) => (a.name < b.name ? -1 : 1)));
    // A flush that wrote re-read the file under the lock, so memory is the file. A clean cache does not
    // touch the disk at all, so only a single writer is sure to match it then.
    if (wrote || writers === 1) expect(cache.getAll()).toEqual(file);
  };

  for (const op of ops) {
    const cache = caches[op.writer] as RegistryMemoryCache;
    if (op.kind === 'upsert') {
      cache.upsert(server(op.name, op.version));
      unflushed[op.writer]?.set(op.name, server(op.name, op.version));
    } else if (op.kind === 'remove') {
      if (cache.remove(op.name)) unflushed[op.writer]?.set(op.name, null);
    } else if (op.kind === 'flush') {
      await flush(op.writer);
    } else {
      await flush(op.writer); // close() flushes; the model treats it as one
      await cache.close();
      caches[op.writer] = await open();
      expect(caches[op.writer]?.getAll()).toEqual(await onDisk(registryPath));
    }
  }
  for (let index = 0; index < writers; index++) {
    await flush(index);
    await caches[index]?.close();
  }
}

describe('registry properties (fast-check, real files)', () => {
  it('after any sequence of upsert/remove/flush/reopen, a flush leaves the file equal to the in-memory state', async () => {
    await fc.assert(
      fc.asyncProperty(operations(1), (ops) => check(ops, 1)),
      { numRuns: 60, seed: SEED },
    );
  });

  it("two caches on one file: each flush puts exactly its own changes on top of the other's file", async () => {
    await fc.assert(
      fc.asyncProperty(operations(2), (ops) => check(ops, 2)),
      { numRuns: 60, seed: SEED + 1 },
    );
  });
});
