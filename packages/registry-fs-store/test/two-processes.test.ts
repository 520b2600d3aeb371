import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryMemoryCache } from '../src/index.js';
import { listDir, makeTempDir, namesOnDisk, RecordingLogger, stdioServer } from './helpers.js';

const fixture = fileURLToPath(new URL('./fixtures/concurrent-writer.mjs', import.meta.url));
const distEntry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const ENTRIES_PER_PROCESS = 40;
const CHILD_TIMEOUT_MS = 30_000;

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

let tempDir: { dir: string; remove: () => Promise<void> };
const children: Child[] = [];

beforeEach(async () => {
  tempDir = await makeTempDir();
});

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await tempDir.remove();
});

/** Starts a writer; resolves its `{ ready }` line, then `finished` resolves its `{ done, seen }` line. */
function startWriter(registryPath: string, prefix: string, removeName = '') {
  const child: Child = spawn(
    process.execPath,
    [fixture, registryPath, prefix, String(ENTRIES_PER_PROCESS), removeName],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  children.push(child);
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const lines: Array<{ ready?: boolean; done?: boolean; seen?: string[] }> = [];
  let wake: () => void = () => undefined;
  createInterface({ input: child.stdout }).on('line', (text) => {
    lines.push(JSON.parse(text));
    wake();
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const lineMatching = async (predicate: (line: (typeof lines)[number]) => boolean) => {
    const timeout = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    try {
      for (;;) {
        const found = lines.find(predicate);
        if (found) return found;
        if (child.exitCode !== null) throw new Error(`writer ${prefix} exited early: ${stderr.join('')}`);
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), exited]);
      }
    } finally {
      clearTimeout(timeout);
    }
  };
  return { child, stderr, exited, lineMatching };
}

describe('two host processes on one registry file', () => {
  it("never lose each other's entries: both writers' entries and removals end up in the file", async () => {
    if (!existsSync(distEntry)) throw new Error(`${distEntry} is missing: run \`pnpm exec tsup\` first`);
    const registryPath = path.join(tempDir.dir, 'mcp', 'servers.json');
    const seed = new RegistryMemoryCache({ registryPath, logger: new RecordingLogger() });
    await seed.init();
    seed.upsert(stdioServer('shared'));
    seed.upsert(stdioServer('left-by-a'));
    await seed.close();

    // A also removes an entry it loaded, B keeps it in memory untouched: the removal must win.
    const a = startWriter(registryPath, 'a', 'left-by-a');
    const b = startWriter(registryPath, 'b');
    await Promise.all([
      a.lineMatching((line) => line.ready === true),
      b.lineMatching((line) => line.ready === true),
    ]);
    a.child.stdin.write('go\n');
    b.child.stdin.write('go\n');
    const [doneA, doneB] = await Promise.all([
      a.lineMatching((line) => line.done === true),
      b.lineMatching((line) => line.done === true),
    ]);
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    expect(a.stderr.join('') + b.stderr.join('')).toBe('');

    const expected = [
      ...Array.from({ length: ENTRIES_PER_PROCESS }, (_, index) => `a-${index}`),
      ...Array.from({ length: ENTRIES_PER_PROCESS }, (_, index) => `b-${index}`),
      'shared',
    ].sort();
    expect(await namesOnDisk(registryPath)).toEqual(expected);
    expect(await namesOnDisk(`${registryPath}.bak`)).toEqual(expected);
    // Each saw the other's entries after its own flushes; whoever flushed last saw the final file.
    expect([doneA.seen, doneB.seen]).toContainEqual(expected);
    expect(await listDir(path.dirname(registryPath))).toEqual(['servers.json', 'servers.json.bak']);
  }, 60_000);
});
