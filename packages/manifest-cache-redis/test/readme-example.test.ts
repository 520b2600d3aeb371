import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { sharedRedisUrl } from './support/provided.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the README', () => {
  it('runs its example as pasted (against the built package and a real redis-server)', async () => {
    const readme = await readFile(join(packageDir, 'README.md'), 'utf8');
    const example = readme.match(/```js\n([\s\S]*?)```/)?.[1];
    expect(example).toBeDefined();
    const distUrl = pathToFileURL(join(packageDir, 'dist/index.js')).href;
    const dir = await mkdtemp(join(tmpdir(), 'manifest-cache-redis-readme-'));
    dirs.push(dir);
    const file = join(dir, 'example.mjs');
    await writeFile(file, (example ?? '').replace("'@cortex-mcp/manifest-cache-redis'", `'${distUrl}'`));

    const { stdout, stderr } = await run(process.execPath, [file], {
      env: { ...process.env, MCP_REDIS_URL: sharedRedisUrl() },
      timeout: 20_000,
    });
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toEqual(['up up', '1 true', "[ { name: 'search' } ]", 'follower up']);
  });
});
