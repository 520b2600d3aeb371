// Child processes and ports for the conformance runner: every wait is bounded, every child is ended by its own id.

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** Keeps the last `maxBytes` of a stream, for diagnostics when a child misbehaves. */
export function captureTail(stream, maxBytes = 64 * 1024) {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk) => {
    text = (text + chunk).slice(-maxBytes);
  });
  return {
    text: () => text,
    lastLines: (count) => text.trimEnd().split('\n').slice(-count).join('\n'),
  };
}

/**
 * Starts a child. With `group: true` it leads its own process group, so `stop()` also ends the processes it
 * spawned (npx starts npm, which starts node@22): the group is the child's own pid, never anything broader.
 */
export function startChild(command, args, { env = process.env, cwd, group = false, stdin = 'ignore' } = {}) {
  const child = spawn(command, args, { env, cwd, detached: group, stdio: [stdin, 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => {
    // 'close', not 'exit': by then stdout and stderr are drained, so captured output is complete.
    child.once('close', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
  });
  let exitInfo;
  exited.then((info) => {
    exitInfo = info;
  });

  function signalChild(signal) {
    if (exitInfo || child.pid === undefined) return;
    try {
      if (group) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // Already gone between the check and the signal.
    }
  }

  return {
    child,
    exited,
    hasExited: () => exitInfo !== undefined,
    /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Resolves once it has exited. */
    async stop(graceMs = 5000) {
      if (exitInfo) return exitInfo;
      signalChild('SIGTERM');
      const timer = setTimeout(() => signalChild('SIGKILL'), graceMs);
      const info = await exited;
      clearTimeout(timer);
      // A group leader can exit before its children: make sure none of the group outlives it.
      if (group) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // The group is already empty.
        }
      }
      return info;
    },
  };
}

/** Resolves with the first stdout line of a child, or rejects when it exits or `timeoutMs` passes first. */
export function firstLine(handle, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline >= 0) finish(() => resolve(buffered.slice(0, newline)));
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`${what} printed nothing within ${timeoutMs} ms.`))),
      timeoutMs,
    );
    const onExit = () => finish(() => reject(new Error(`${what} exited before it printed its address.`)));
    function finish(settle) {
      clearTimeout(timer);
      handle.child.stdout.off('data', onData);
      handle.child.off('exit', onExit);
      settle();
    }
    handle.child.stdout.setEncoding('utf8');
    handle.child.stdout.on('data', onData);
    handle.child.once('exit', onExit);
  });
}

/**
 * A port that was free a moment ago on 127.0.0.1. The host's own port 0 cannot be discovered from outside, so we
 * reserve one, release it and hand it over; the window in which another process could take it is tiny.
 */
export function pickFreePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` every `intervalMs` until it returns true, the deadline passes, or `abortIf` says to stop.
 * Returns true on success, false on timeout; rethrows nothing (a failing probe counts as "not yet").
 */
export async function waitUntil(probe, { timeoutMs, intervalMs = 250, abortIf = () => false }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (abortIf()) return false;
    try {
      if (await probe()) return true;
    } catch {
      // Not ready yet.
    }
    await sleep(intervalMs);
  }
  return false;
}
