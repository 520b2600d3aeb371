import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureMcpServer, newObservations } from './helpers/fixture-tools.js';
import { type HttpFixtureServer, startHttpFixture } from './helpers/http-fixture-server.js';

const CHILD = fileURLToPath(new URL('./helpers/open-handles-child.mjs', import.meta.url));
const STDIO_FIXTURE = fileURLToPath(new URL('./helpers/stdio-server.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const EXIT_BOUND_MS = 20_000;

let fixture: HttpFixtureServer;
beforeAll(async () => {
  fixture = await startHttpFixture(() => createFixtureMcpServer(newObservations()));
});
afterAll(async () => {
  await fixture.close();
});

describe('disconnect()', () => {
  it('leaves no open handles: a process that connects, calls and disconnects exits on its own', async () => {
    expect(existsSync(BUILT), 'build the package first (pnpm exec tsup)').toBe(true);
    const child = spawn(process.execPath, [CHILD, fixture.streamableUrl, fixture.sseUrl, STDIO_FIXTURE], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += String(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += String(chunk);
    });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const bound = new Promise<'still running'>((resolve) => {
      const timer = setTimeout(() => resolve('still running'), EXIT_BOUND_MS);
      void exited.then(() => clearTimeout(timer));
    });
    const outcome = await Promise.race([exited, bound]);
    if (outcome === 'still running') {
      child.kill('SIGKILL');
      await exited;
    }
    expect(outcome, `child output: ${stdout} ${stderr}`).toEqual([0, null]);
    expect(stdout.trim()).toBe('done http:idle sse:idle auto:idle stdio:idle');
  });
});
