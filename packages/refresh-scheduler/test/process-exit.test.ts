import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const childScript = fileURLToPath(new URL('./exit-after-stop.child.mjs', import.meta.url));
const builtEntry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
/** Upper bound only: a healthy child exits in well under a second; a hung one is killed, never waited on forever. */
const killAfterMs = 15_000;

interface ChildResult {
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

function runChild(mode: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [childScript, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killTimer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.on('error', (error) => {
      clearTimeout(killTimer);
      reject(error);
    });
    child.on('close', (exitCode) => {
      clearTimeout(killTimer);
      resolve({ exitCode, timedOut, stdout, stderr });
    });
  });
}

describe('the process after stop()', () => {
  beforeAll(() => {
    if (!existsSync(builtEntry)) {
      throw new Error(
        `${builtEntry} is missing: build the package first (pnpm exec tsup; turbo's test task does).`,
      );
    }
  });

  it('exits on its own with keepAlive: true once stop() cancelled the timer and waited for the in-flight run', async () => {
    const result = await runChild('keep-alive');
    expect(result.timedOut).toBe(false);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      'timer-armed:true',
      'run-started:forced',
      'stopping',
      'run-aborted:stopped',
      'run-finished',
      'stopped:inFlight=false:nextRunAtMs=undefined',
    ]);
  });

  it('exits on its own with default options after a failing run, which the default logger reports on stderr', async () => {
    const result = await runChild('default-failing');
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      'run-started',
      'after-run:running=true:timerArmed=true',
      'stopped',
    ]);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'warn',
      name: 'refresh-scheduler',
      msg: 'refresh failed; the schedule continues',
      reason: 'start',
      runCount: 1,
      err: { type: 'Error', message: 'map endpoint unreachable', code: 'ECONNREFUSED' },
    });
  });
});
