import os from 'node:os';
import path from 'node:path';
import { FILE_MODE, tempFileName, unlinkQuietly } from './atomic-write.js';
import { errorCodeOf, RegistryStoreError } from './errors.js';
import type { RegistryLogger } from './logger.js';
import type { RegistryFs } from './registry-fs.js';
import type { RegistryTimers } from './registry-timers.js';

/** Backoff while another process holds the lock: short, because a flush holds it for milliseconds. */
const FIRST_RETRY_DELAY_MS = 2;
const MAX_RETRY_DELAY_MS = 50;
/** Upper bound on attempts, so a clock that never advances cannot spin forever. */
const MAX_ATTEMPTS = 10_000;

/** `servers.json.lock`: held by one process for the length of one flush (read, merge, write). */
export function lockPathFor(registryPath: string): string {
  return `${registryPath}.lock`;
}

/** What a lock file says about its holder. */
interface LockOwner {
  pid: number;
  hostname: string;
  createdMs: number;
  /** Makes two locks of one process distinguishable, so a release never deletes a successor's lock. */
  n: number;
}

/**
 * Options for {@link acquireRegistryLock}. A flush (`writeMergedRegistry`) takes the same ones: everything it does
 * besides locking (read, atomic write, backup) needs only a subset of them.
 */
export interface RegistryLockOptions {
  fs: RegistryFs;
  timers: RegistryTimers;
  clock: () => number;
  logger: RegistryLogger;
  pid: number;
  isProcessAlive: (pid: number) => boolean;
  lockTimeoutMs: number;
  staleLockMs: number;
  /** A number not used before by this process, for unique lock contents and temp names. */
  nextSequence: () => number;
}

/** Gives the lock back; never throws. */
export type ReleaseLock = () => Promise<void>;

/**
 * Takes `servers.json.lock` (hard-linked into place, or created with `wx`: either way exactly one process
 * wins) and returns how to release it.
 * A lock whose holder is dead (same host, pid not running), or which is older than `staleLockMs`, is taken
 * over. Otherwise it waits, backing off, up to `lockTimeoutMs`.
 *
 * @throws RegistryStoreError `lock_timeout` when a live holder keeps it too long; the fs error when the lock
 *   cannot be created at all (read-only directory, full disk).
 */
export async function acquireRegistryLock(
  registryPath: string,
  options: RegistryLockOptions,
): Promise<ReleaseLock> {
  const lockPath = lockPathFor(registryPath);
  const deadline = options.clock() + options.lockTimeoutMs;
  const firstSeen = new Map<string, number>();
  let delayMs = FIRST_RETRY_DELAY_MS;
  let holder = '';
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const text = ownerText(options);
    if (await tryCreate(lockPath, text, options)) {
      return () => releaseLock(lockPath, text, options.fs);
    }
    const seen = await takeOverIfStale(lockPath, options, firstSeen);
    if (seen.kind === 'gone') continue;
    holder = seen.text;
    if (options.clock() >= deadline) break;
    await sleep(options.timers, delayMs);
    delayMs = Math.min(delayMs * 2, MAX_RETRY_DELAY_MS);
  }
  const owner = parseOwner(holder);
  throw new RegistryStoreError(
    'lock_timeout',
    `Another process${owner ? ` (pid ${owner.pid} on ${owner.hostname})` : ''} held ${lockPath} for longer than lockTimeoutMs (${options.lockTimeoutMs} ms). The changes are kept in memory and retried on the next flush; if no other process is writing, delete the lock file.`,
    { registryPath },
  );
}

function ownerText(options: RegistryLockOptions): string {
  const owner: LockOwner = {
    pid: options.pid,
    hostname: os.hostname(),
    createdMs: options.clock(),
    n: options.nextSequence(),
  };
  return `${JSON.stringify(owner)}\n`;
}

/** Without hard links (FAT, some network shares) the lock is created with `wx` and then filled. */
const NO_LINK_CODES = new Set(['EPERM', 'ENOTSUP', 'ENOSYS', 'EOPNOTSUPP']);

/** Creates the lock with `text` unless it exists. Returns false when another process holds it. */
async function tryCreate(lockPath: string, text: string, options: RegistryLockOptions): Promise<boolean> {
  const { fs } = options;
  if (!fs.link) return tryCreateExclusive(lockPath, text, fs);
  // Written beside it, then hard-linked into place: the lock never exists without its contents.
  const temp = path.join(
    path.dirname(lockPath),
    tempFileName(path.basename(lockPath), options.pid, options.nextSequence()),
  );
  await writeNewFile(temp, text, fs);
  try {
    await fs.link(temp, lockPath);
    return true;
  } catch (error) {
    const code = errorCodeOf(error) ?? '';
    if (code === 'EEXIST') return false;
    if (NO_LINK_CODES.has(code)) return tryCreateExclusive(lockPath, text, fs);
    throw error;
  } finally {
    await unlinkQuietly(fs, temp);
  }
}

async function tryCreateExclusive(lockPath: string, text: string, fs: RegistryFs): Promise<boolean> {
  try {
    await writeNewFile(lockPath, text, fs);
    return true;
  } catch (error) {
    if (errorCodeOf(error) === 'EEXIST') return false;
    throw error;
  }
}

/** Creates `filePath` with `wx` and writes `text`; on failure nothing is left behind (it must not block anyone). */
async function writeNewFile(filePath: string, text: string, fs: RegistryFs): Promise<void> {
  const handle = await fs.open(filePath, 'wx', FILE_MODE);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlinkQuietly(fs, filePath);
    throw error;
  }
}

type Seen = { kind: 'gone' } | { kind: 'held'; text: string };

/**
 * Looks at the current lock and removes it if its holder is gone. The lock is first renamed to a name of our
 * own, so of two processes breaking the same stale lock only one succeeds; if what we renamed turns out not to
 * be the stale lock we judged (a new holder took over in between), it is put back.
 */
async function takeOverIfStale(
  lockPath: string,
  options: RegistryLockOptions,
  firstSeen: Map<string, number>,
): Promise<Seen> {
  let text: string;
  try {
    text = await options.fs.readFile(lockPath, 'utf8');
  } catch (error) {
    if (errorCodeOf(error) === 'ENOENT') return { kind: 'gone' };
    throw error;
  }
  const reason = await staleReason(lockPath, text, options, firstSeen);
  if (reason === undefined) return { kind: 'held', text };
  const grave = path.join(
    path.dirname(lockPath),
    tempFileName(path.basename(lockPath), options.pid, options.nextSequence()),
  );
  try {
    await options.fs.rename(lockPath, grave);
  } catch (error) {
    if (errorCodeOf(error) === 'ENOENT') return { kind: 'gone' }; // another process broke it first
    throw error;
  }
  const taken = await options.fs.readFile(grave, 'utf8').catch(() => text);
  if (taken !== text) await tryCreate(lockPath, taken, options).catch(() => false);
  await unlinkQuietly(options.fs, grave);
  if (taken === text) {
    options.logger.info?.({ lockPath, reason }, 'Took over a stale MCP registry lock');
  }
  return { kind: 'gone' };
}

async function staleReason(
  lockPath: string,
  text: string,
  options: RegistryLockOptions,
  firstSeen: Map<string, number>,
): Promise<string | undefined> {
  const owner = parseOwner(text);
  const now = options.clock();
  if (owner) {
    if (owner.hostname === os.hostname() && !options.isProcessAlive(owner.pid)) {
      return `holder pid ${owner.pid} is not running`;
    }
    return now - owner.createdMs > options.staleLockMs ? `older than staleLockMs` : undefined;
  }
  // Unreadable contents: a holder that died between creating and filling it, or one filling it right now.
  const sinceMs = await modifiedMs(lockPath, options.fs);
  const since = sinceMs ?? firstSeen.get(text) ?? now;
  if (sinceMs === undefined && !firstSeen.has(text)) firstSeen.set(text, now);
  return now - since > options.staleLockMs ? 'unreadable and older than staleLockMs' : undefined;
}

async function modifiedMs(filePath: string, fs: RegistryFs): Promise<number | undefined> {
  if (!fs.stat) return undefined;
  try {
    return (await fs.stat(filePath)).mtimeMs;
  } catch {
    return undefined;
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner> | null;
    if (
      typeof value?.pid === 'number' &&
      typeof value.hostname === 'string' &&
      typeof value.createdMs === 'number'
    ) {
      return value as LockOwner;
    }
  } catch {
    // not JSON: treated as unreadable by the caller
  }
  return undefined;
}

/** Deletes the lock only while it is still ours: after a takeover it belongs to someone else. */
async function releaseLock(lockPath: string, text: string, fs: RegistryFs): Promise<void> {
  try {
    if ((await fs.readFile(lockPath, 'utf8')) === text) await fs.unlink(lockPath);
  } catch {
    // Gone already (taken over as stale): nothing of ours is left to remove.
  }
}

/** Not unref'd: a flush waiting for the lock must keep the process alive until it has written. */
function sleep(timers: RegistryTimers, delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    timers.setTimeout(resolve, delayMs);
  });
}
