import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../src/processes.mjs';
import { formatJson, formatTable, summaryLine } from '../src/report.mjs';
import { EXPECTED_SCENARIOS, judgeScenario } from '../src/suite.mjs';
import { registryFileFor, startHost } from '../src/targets.mjs';

describe('judgeScenario', () => {
  const success = { id: 'ping', status: 'SUCCESS' };

  it('passes a run that exited 0 with only successful checks', () => {
    expect(judgeScenario({ code: 0 }, [success, { id: 'x', status: 'INFO' }], 1000)).toEqual({
      status: 'pass',
      notes: '1/1 checks',
    });
  });

  it('fails a run with a failed check and names the check and its error', () => {
    const checks = [
      success,
      { id: 'localhost-host-rebinding-rejected', status: 'FAILURE', errorMessage: 'got 200' },
    ];
    expect(judgeScenario({ code: 1 }, checks, 1000)).toEqual({
      status: 'fail',
      notes: 'localhost-host-rebinding-rejected: got 200',
    });
  });

  it('fails a run that wrote no checks even when it exited 0', () => {
    expect(judgeScenario({ code: 0 }, [], 1000)).toEqual({
      status: 'fail',
      notes: 'the suite wrote no checks',
    });
  });

  it('fails a run that timed out', () => {
    expect(judgeScenario({ code: null, timedOut: true }, [], 90_000)).toEqual({
      status: 'fail',
      notes: 'timed out after 90000 ms',
    });
  });
});

describe('report', () => {
  it('aligns the results table and ends with an "N passed, N failed" line', () => {
    const results = [
      { scenario: 'ping', status: 'pass', notes: '1/1 checks' },
      { scenario: 'tools-call-error', status: 'fail', notes: 'boom' },
    ];
    expect(formatTable(results).split('\n')).toEqual([
      'scenario          result  notes',
      '----------------  ------  -----',
      'ping              PASS    1/1 checks',
      'tools-call-error  FAIL    boom',
    ]);
    expect(summaryLine(results)).toBe('conformance: 1 passed, 1 failed');
  });

  it('writes short primitive arrays on one line and long ones one item per line, as biome does', () => {
    const long = Array.from({ length: 12 }, (_, index) => `tool_name_${index}`);
    expect(formatJson({ a: ['x', 1, null], b: [], c: {}, d: undefined })).toBe(
      '{\n  "a": ["x", 1, null],\n  "b": [],\n  "c": {}\n}',
    );
    expect(formatJson({ long }).split('\n')).toHaveLength(long.length + 4);
  });
});

describe('targets', () => {
  let dir;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conformance-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the twelve scenarios the issue requires', () => {
    expect(EXPECTED_SCENARIOS).toHaveLength(12);
    expect(EXPECTED_SCENARIOS.filter((name) => name.startsWith('tools-call-'))).toHaveLength(8);
  });

  it('registers the fixture as one enabled streamable-http connector with an empty namespace', () => {
    expect(registryFileFor('http://127.0.0.1:1/mcp')).toEqual({
      version: 1,
      servers: [
        {
          name: 'conformance',
          transport: 'streamable-http',
          url: 'http://127.0.0.1:1/mcp',
          enabled: true,
          metadata: { namespace: '' },
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

  it('waitUntil stops at the first true probe and gives up at its deadline', async () => {
    let calls = 0;
    expect(await waitUntil(() => ++calls === 3, { timeoutMs: 10_000, intervalMs: 1 })).toBe(true);
    expect(calls).toBe(3);
    expect(await waitUntil(() => false, { timeoutMs: 20, intervalMs: 5 })).toBe(false);
  });
});
