import { execFileSync } from 'node:child_process';
import { existsSync, promises as realFs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryMemoryCache } from '../src/index.js';
import { startWriter, type WriterChild } from './crash-child.js';
import { ENTRY_COUNT, entryAt, touchedBy } from './fixtures/crash-model.cjs';
import { makeTempDir, RecordingLogger } from './helpers.js';

const writerScript = fileURLToPath(new URL('./fixtures/crash-writer.cjs', import.meta.url));
const snapshotEntry = fileURLToPath(new URL('./fixtures/crash-writer-snapshot.cjs', import.meta.url));
const distEntry = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));

const KILLS = 1_000;
/** Registry files killed in parallel: while one lane's writer runs, the other's next writer starts up. */
const LANES = 3;
const MAX_KILL_DELAY_MS = 12;
const STEP_TIMEOUT_MS = 15_000;

/** Seeded PRNG (mulberry32), one per lane, so a failing run's kill delays can be replayed from the seed. */
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

/** What flush `g` does to the model: rewrites its entries, renaming the first (crash-model.cjs). */
function applyFlush(g: number, flushOf: Int32Array, renamed: Uint8Array): void {
  const touched = touchedBy(g);
  const first = touched[0] as number;
  renamed[first] = renamed[first] === 1 ? 0 : 1;
  for (const index of touched) flushOf[index] = g;
}

/** One registry file, its writers one after another, and the model of what flush g left in it. */
class Lane {
  /** The flush the file on disk came from, as last checked. */
  g = 0;
  /** Temp files the last kill left behind: the next writer must remove them. */
  staleTemps: string[] = [];
  private readonly flushOf = new Int32Array(ENTRY_COUNT);
  private readonly renamed = new Uint8Array(ENTRY_COUNT);

  constructor(readonly registryPath: string) {}

  /** The exact bytes flush `g` (>= this.g) writes. */
  textAt(g: number): string {
    const flushOf = Int32Array.from(this.flushOf);
    const renamed = Uint8Array.from(this.renamed);
    for (let step = this.g + 1; step <= g; step++) applyFlush(step, flushOf, renamed);
    const servers = Array.from(flushOf, (entryFlush, index) =>
      entryAt(index, entryFlush, renamed[index] === 1),
    );
    return `${JSON.stringify({ version: 1, servers }, null, 2)}\n`;
  }

  advanceTo(g: number): void {
    for (let step = this.g + 1; step <= g; step++) applyFlush(step, this.flushOf, this.renamed);
    this.g = g;
  }

  async tempFiles(): Promise<string[]> {
    const names = await realFs.readdir(path.dirname(this.registryPath));
    return names.filter((name) => name.includes('.tmp-')).sort();
  }
}

interface Tally {
  kills: number;
  afterAFlush: number;
  unconfirmedOnDisk: number;
  lockLeftBehind: number;
}

let tempDir: { dir: string; remove: () => Promise<void> };
const running: WriterChild[] = [];

beforeEach(async () => {
  tempDir = await makeTempDir();
});

afterEach(async () => {
  for (const child of running.splice(0)) await child.kill();
  await tempDir.remove();
});

async function seedLane(index: number): Promise<Lane> {
  const lane = new Lane(path.join(tempDir.dir, `lane-${index}`, 'servers.json'));
  const cache = new RegistryMemoryCache({ registryPath: lane.registryPath, logger: new RecordingLogger() });
  await cache.init();
  for (let entry = 0; entry < ENTRY_COUNT; entry++) cache.upsert(entryAt(entry, 0, false));
  await cache.close();
  // The model and the store agree byte for byte, so "equals flush g" below is an exact comparison.
  expect(await realFs.readFile(lane.registryPath, 'utf8')).toBe(lane.textAt(0));
  return lane;
}

/**
 * How to start a writer: from a start-up snapshot of the loaded package when this Node can build one
 * (about half the CPU of a writer goes into loading modules otherwise), else from the script itself.
 */
function writerCommand(): (registryPath: string) => string[] {
  const blob = path.join(tempDir.dir, 'crash-writer.blob');
  try {
    execFileSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', snapshotEntry], {
      stdio: 'pipe',
    });
    return (registryPath) => ['--snapshot-blob', blob, registryPath];
  } catch (error) {
    console.warn(
      `crash test: no start-up snapshot (${(error as Error).message.split('\n')[0]}); starting writers from the script`,
    );
    return (registryPath) => [writerScript, registryPath];
  }
}

let commandFor: (registryPath: string) => string[];

function spawnWriter(lane: Lane): WriterChild {
  const child = startWriter(commandFor(lane.registryPath), STEP_TIMEOUT_MS);
  running.push(child);
  return child;
}

/** Lets `writer` loose on the lane, kills it at a random moment, and checks what it left on disk. */
async function killOnce(lane: Lane, writer: WriterChild, round: number, random: () => number, tally: Tally) {
  const context = `lane ${lane.registryPath}, kill ${round}`;
  await writer.next((line) => line.loaded === true);
  writer.go();
  const ready = await writer.next((line) => line.ready === true);
  expect(ready.problems, context).toEqual([]);
  expect(ready.size, context).toBe(ENTRY_COUNT);
  expect(ready.g, `${context}: started from another file than the one checked`).toBe(lane.g);
  // The previous writer's leftovers are gone, and were never loaded as data.
  for (const name of lane.staleTemps) expect(ready.removedTempFiles, context).toContain(name);

  // Every other kill waits for a confirmed flush first, so kills land mid-loop however slow the machine;
  // the others may also land in start-up or the first write.
  if (round % 2 === 1) await writer.next((line) => line.flushed !== undefined);
  await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * MAX_KILL_DELAY_MS)));
  await writer.kill();
  running.splice(running.indexOf(writer), 1);
  expect(writer.stderr(), context).toBe('');

  const flushed = writer.lines.flatMap((line) => (line.flushed === undefined ? [] : [line.flushed]));
  const confirmed = flushed.at(-1) ?? lane.g;
  const text = await realFs.readFile(lane.registryPath, 'utf8');
  JSON.parse(text); // parses, whatever else
  // The last confirmed flush, or the one in progress if its rename landed before the kill: never a mix.
  const onDisk = [confirmed, confirmed + 1].find((g) => text === lane.textAt(g));
  if (onDisk === undefined)
    throw new Error(`${context}: the file equals neither flush ${confirmed} nor the next`);
  lane.advanceTo(onDisk);
  lane.staleTemps = await lane.tempFiles();
  tally.kills++;
  if (flushed.length > 0) tally.afterAFlush++;
  if (onDisk > confirmed) tally.unconfirmedOnDisk++;
  if (existsSync(`${lane.registryPath}.lock`)) tally.lockLeftBehind++;
}

/** Runs writers on one lane until the shared kill count is reached; the next writer starts while one runs. */
async function runLane(lane: Lane, takeRound: () => number | undefined, random: () => number, tally: Tally) {
  let warm = spawnWriter(lane);
  for (let round = takeRound(); round !== undefined; round = takeRound()) {
    const writer = warm;
    warm = spawnWriter(lane);
    await killOnce(lane, writer, round, random, tally);
  }
  await warm.kill(); // never told "go": it has not touched the file
  running.splice(running.indexOf(warm), 1);
}

/** A fresh load in this process cleans the last writer's leftovers, sees the last flush, and can write. */
async function checkFinalState(lane: Lane): Promise<void> {
  const cache = new RegistryMemoryCache({ registryPath: lane.registryPath, logger: new RecordingLogger() });
  await cache.init();
  expect([...cache.removedTempFiles].sort()).toEqual(lane.staleTemps);
  expect(await lane.tempFiles()).toEqual([]);
  expect(cache.loadProblems).toEqual([]);
  expect(`${JSON.stringify({ version: 1, servers: cache.getAll() }, null, 2)}\n`).toBe(lane.textAt(lane.g));
  // A lock a killed writer held is taken over (its pid is dead), and released after the write.
  cache.upsert(entryAt(0, lane.g + 1, false));
  await cache.close();
  expect(existsSync(`${lane.registryPath}.lock`)).toBe(false);
}

describe('crash safety', () => {
  it(`after each of ${KILLS} SIGKILLs of writers flushing a ${ENTRY_COUNT}-entry registry, the file parses and equals one completed flush`, async () => {
    if (!existsSync(distEntry)) throw new Error(`${distEntry} is missing: run \`pnpm exec tsup\` first`);
    const seed = Date.now() % 2 ** 31;
    const startedMs = performance.now();
    commandFor = writerCommand();
    const lanes = await Promise.all(Array.from({ length: LANES }, (_, index) => seedLane(index)));
    const tally: Tally = { kills: 0, afterAFlush: 0, unconfirmedOnDisk: 0, lockLeftBehind: 0 };
    let rounds = 0;
    let failed = false;
    // After a failure the other lanes stop at their next round instead of running on unobserved.
    const takeRound = () => (rounds < KILLS && !failed ? rounds++ : undefined);

    const outcomes = await Promise.allSettled(
      lanes.map((lane, index) =>
        runLane(lane, takeRound, seededRandom(seed + index), tally).catch((error: unknown) => {
          failed = true;
          throw error;
        }),
      ),
    );
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) {
      const message = (failure.reason as Error).message;
      throw new Error(`crash test failed (seed ${seed}): ${message}`, { cause: failure.reason });
    }

    expect(tally.kills).toBe(KILLS);
    expect(tally.afterAFlush, `too few kills after a completed flush (seed ${seed})`).toBeGreaterThanOrEqual(
      KILLS / 2,
    );
    for (const lane of lanes) await checkFinalState(lane);
    const wallMs = Math.round(performance.now() - startedMs);
    console.info(
      `crash test: ${tally.kills} SIGKILLs on ${LANES} lanes in ${wallMs} ms (seed ${seed}); ${tally.afterAFlush} after a confirmed flush, ${tally.unconfirmedOnDisk} found the unconfirmed flush committed, ${tally.lockLeftBehind} left a lock behind`,
    );
  }, 300_000);
});
