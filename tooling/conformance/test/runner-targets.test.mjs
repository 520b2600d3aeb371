import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mapInOrder } from '../src/pool.mjs';
import { waitUntil } from '../src/processes.mjs';
import { hostEnv, registryFileFor, startHost } from '../src/targets.mjs';

describe('targets', () => {
  let dir;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conformance-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes MCP_NAME_PREFIX=conditional to the host, and no service map', () => {
    const previousMap = process.env.CONNECTORS_SERVICE_MAP_URL;
    process.env.CONNECTORS_SERVICE_MAP_URL = 'http://127.0.0.1:9/map';
    try {
      const env = hostEnv({ port: 1234, cortexHome: '/tmp/home' });
      expect(env).toMatchObject({
        MCP_NAME_PREFIX: 'conditional',
        MCP_HOST_PORT: '1234',
        CORTEX_HOME: '/tmp/home',
      });
      expect(env.CONNECTORS_SERVICE_MAP_URL).toBeUndefined();
    } finally {
      if (previousMap === undefined) delete process.env.CONNECTORS_SERVICE_MAP_URL;
      else process.env.CONNECTORS_SERVICE_MAP_URL = previousMap;
    }
  });

  it('registers the fixture as one enabled streamable-http connector, with no namespace of its own', () => {
    expect(registryFileFor('http://127.0.0.1:1/mcp')).toEqual({
      version: 1,
      servers: [
        {
          name: 'conformance',
          transport: 'streamable-http',
          url: 'http://127.0.0.1:1/mcp',
          enabled: true,
        },
      ],
    });
  });

  it('says how to build the host when its CLI is missing', async () => {
    await expect(
      startHost({
        fixtureUrl: 'http://127.0.0.1:1/mcp',
        toolNames: [],
        readyTimeoutMs: 1000,
        hostCliPath: join(dir, 'no.js'),
      }),
    ).rejects.toThrow(/not built.*--target fixture/s);
  });

  it('starts the host CLI with serve, a loopback port, a prepared CORTEX_HOME and no service map', async () => {
    // A stand-in CLI that reports what it was given, then exits: startHost must surface its output.
    const cli = join(dir, 'cli.mjs');
    await writeFile(
      cli,
      `import { readFileSync } from 'node:fs';
const env = process.env;
const servers = JSON.parse(readFileSync(env.CORTEX_HOME + '/mcp/servers.json', 'utf8'));
console.log(JSON.stringify({ argv: process.argv.slice(2), port: env.MCP_HOST_PORT, bind: env.MCP_HOST_BIND,
  map: env.CONNECTORS_SERVICE_MAP_URL ?? null, url: servers.servers[0].url }));
process.exit(3);
`,
    );
    const previousMap = process.env.CONNECTORS_SERVICE_MAP_URL;
    process.env.CONNECTORS_SERVICE_MAP_URL = 'http://127.0.0.1:9/map';
    try {
      const error = await startHost({
        fixtureUrl: 'http://127.0.0.1:2/mcp',
        toolNames: [],
        readyTimeoutMs: 10_000,
        hostCliPath: cli,
      }).catch((caught) => caught);
      expect(error.message).toMatch(/The host exited/);
      const reported = JSON.parse(error.message.split('\n').find((line) => line.startsWith('{')));
      expect(reported).toMatchObject({
        argv: ['serve'],
        bind: '127.0.0.1',
        map: null,
        url: 'http://127.0.0.1:2/mcp',
      });
      expect(Number(reported.port)).toBeGreaterThan(0);
    } finally {
      if (previousMap === undefined) delete process.env.CONNECTORS_SERVICE_MAP_URL;
      else process.env.CONNECTORS_SERVICE_MAP_URL = previousMap;
    }
  });

  it('mapInOrder never runs more than `concurrency` at once and reports results in item order', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const reported = [];
    const delays = [30, 5, 20, 1, 10];
    const results = await mapInOrder(
      delays,
      async (delay, index) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, delay));
        running -= 1;
        return index * 10;
      },
      { concurrency: 2, onResult: (result, index) => reported.push([index, result]) },
    );
    expect(mostAtOnce).toBe(2);
    expect(results).toEqual([0, 10, 20, 30, 40]);
    expect(reported).toEqual(results.map((result, index) => [index, result]));
    await expect(mapInOrder([1], async () => 1, { concurrency: 0 })).rejects.toThrow(/positive integer/);
  });

  it('waitUntil stops at the first true probe and gives up at its deadline', async () => {
    let calls = 0;
    expect(await waitUntil(() => ++calls === 3, { timeoutMs: 10_000, intervalMs: 1 })).toBe(true);
    expect(calls).toBe(3);
    expect(await waitUntil(() => false, { timeoutMs: 20, intervalMs: 5 })).toBe(false);
  });
});
