import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync, promises as realFs } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRegistryText, RegistryMemoryCache } from '../src/index.js';
import { makeTempDir, RecordingLogger } from './helpers.js';

const fixture = fileURLToPath(new URL('./fixtures/crash-writer.mjs', import.meta.url));
const distEntry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

const ROUNDS = 50;
const MAX_KILL_DELAY_MS = 30;
const STEP_TIMEOUT_MS = 5_000;
// Generous: a busy 2-core CI machine runs every package's tests at once; the count (50) is what is asserted.
const TOTAL_BUDGET_MS = 120_000;
/** Node + zod start-up dominates each round; starting a few children ahead overlaps it. */
const PREWARMED_CHILDREN = 3;

/** Seeded PRNG (mulberry32) so a failing run can be replayed from the seed in the failure message. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Child = ChildProcessByStdio<Writable, Readable, Readable>;
interface ChildLine {
  loaded?: boolean;
  ready?: boolean;
  removedTempFiles?: string[];
  problems?: unknown[];
  added?: string[];
  counter?: string;
  seq?: number;
}

/** Collects the child's stdout lines; `next(predicate)` waits (bounded) for a matching one. */
function watchLines(child: Child) {
  const lines: ChildLine[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    lines.push(JSON.parse(text) as ChildLine);
    for (const wake of waiters.splice(0)) wake();
  });
  const next = async (predicate: (line: ChildLine) => boolean): Promise<ChildLine> => {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const found = lines.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('child did not report in time');
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100).unref();
      });
    }
  };
  return { lines, next };
}

/** Resolves when the child has exited and its stdout/stderr are drained, or rejects after a bound. */
function closedWithin(closed: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('child did not exit after SIGKILL')), timeoutMs);
  });
  return Promise.race([closed, timeout]).finally(() => clearTimeout(timer));
}

async function tempFilesIn(dir: string): Promise<string[]> {
  return (await realFs.readdir(dir).catch(() => [] as string[])).filter((name) => name.includes('.tmp-'));
}

let tempDir: { dir: string; remove: () => Promise<void> };
const children: Array<{ child: Child; closed: Promise<void> }> = [];

beforeEach(async () => {
  tempDir = await makeTempDir();
});

afterEach(async () => {
  for (const { child, closed } of children.splice(0)) {
    child.kill('SIGKILL');
    await closedWithin(closed, STEP_TIMEOUT_MS);
  }
  await tempDir.remove();
});

describe('crash safety', () => {
  it(
    `keeps every flushed entry readable across ${ROUNDS} SIGKILLs of a writing child process`,
    async () => {
      if (!existsSync(distEntry)) throw new Error(`${distEntry} is missing: run \`pnpm exec tsup\` first`);
      const seed = Date.now() % 2 ** 31;
      const random = seededRandom(seed);
      const registryDir = path.join(tempDir.dir, 'mcp');
      const registryPath = path.join(registryDir, 'servers.json');
      const confirmedNames = new Set<string>();
      const confirmedSeq = new Map<string, number>();
      let staleTemps: string[] = [];
      let rounds = 0;
      let killedAfterAFlush = 0;
      const budgetEnd = Date.now() + TOTAL_BUDGET_MS;
      const context = () => `seed ${seed}, round ${rounds}`;

      const startChild = (round: number) => {
        const child: Child = spawn(process.execPath, [fixture, registryPath, String(round)], {
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
        children.push({ child, closed });
        child.stdin.on('error', () => undefined); // a child that died early must not crash the test runner
        const stderr: string[] = [];
        child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
        return { child, closed, stderr, ...watchLines(child) };
      };
      // Children that have started and wait for "go"; only the one told "go" touches the file.
      const warm = [startChild(0)];
      for (let round = 1; round < Math.min(PREWARMED_CHILDREN, ROUNDS); round++) warm.push(startChild(round));

      while (rounds < ROUNDS && Date.now() < budgetEnd) {
        const current = warm.shift();
        if (!current) throw new Error('no child prepared');
        if (rounds + PREWARMED_CHILDREN < ROUNDS) warm.push(startChild(rounds + PREWARMED_CHILDREN));
        const { child, closed, stderr, lines, next } = current;
        await next((line) => line.loaded === true);
        child.stdin.write('go\n');
        const ready = await next((line) => line.ready === true);
        expect(ready.problems, context()).toEqual([]);
        // Leftovers of the previous (killed) child are gone, and were never loaded as data.
        for (const name of staleTemps) expect(ready.removedTempFiles, context()).toContain(name);

        // Every other round waits for the child's first completed flush before the random delay, so kills land
        // mid-loop after confirmed writes however slow a loaded machine makes the child; the other rounds may also
        // kill it during start-up or its first write.
        if (rounds % 2 === 1) await next((line) => line.counter !== undefined);
        await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * MAX_KILL_DELAY_MS)));
        child.kill('SIGKILL');
        await closedWithin(closed, STEP_TIMEOUT_MS);
        expect(stderr.join(''), context()).toBe('');

        const flushes = lines.filter((line) => line.counter !== undefined);
        if (flushes.length > 0) killedAfterAFlush++;
        for (const line of flushes) {
          for (const name of line.added ?? []) confirmedNames.add(name);
          confirmedSeq.set(line.counter as string, line.seq as number);
        }

        if (confirmedNames.size > 0 || existsSync(registryPath)) {
          const text = await realFs.readFile(registryPath, 'utf8');
          const parsed = parseRegistryText(text);
          if (parsed.kind !== 'ok') throw new Error(`registry unreadable after kill (${context()})`);
          expect(parsed.problems, context()).toEqual([]);
          const onDisk = new Map(parsed.servers.map((server) => [server.name, server]));
          for (const name of confirmedNames)
            expect(onDisk.has(name), `${name} lost (${context()})`).toBe(true);
          for (const [counter, seq] of confirmedSeq) {
            const stored = onDisk.get(counter)?.metadata?.seq as number;
            expect(stored, `${counter} went back in time (${context()})`).toBeGreaterThanOrEqual(seq);
          }
        }
        staleTemps = await tempFilesIn(registryDir);
        rounds++;
      }

      expect(rounds, `ran out of time budget (seed ${seed})`).toBe(ROUNDS);
      expect(
        killedAfterAFlush,
        `too few kills after a completed flush (seed ${seed})`,
      ).toBeGreaterThanOrEqual(Math.floor(ROUNDS / 2));

      // A final load in this process cleans the last child's leftovers and sees everything confirmed.
      const cache = new RegistryMemoryCache({ registryPath, logger: new RecordingLogger() });
      await cache.init();
      expect([...cache.removedTempFiles].sort()).toEqual([...staleTemps].sort());
      expect(await tempFilesIn(registryDir)).toEqual([]);
      const names = new Set(cache.getAll().map((server) => server.name));
      for (const name of confirmedNames) expect(names.has(name)).toBe(true);
      expect(cache.loadProblems).toEqual([]);
      await cache.close();
    },
    TOTAL_BUDGET_MS + 30_000,
  );
});
