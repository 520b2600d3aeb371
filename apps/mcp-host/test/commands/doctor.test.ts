import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signServiceMap } from '@cortex-mcp/service-map-loader';
import { freePort, type RedisServer, startRedisServer } from '@cortex-mcp/test-servers';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/commands/doctor/command.js';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { MapEndpoint } from '../e2e/helpers/map-endpoint.js';
import { entry, mapOf } from '../e2e/helpers/maps.js';
import { STDIO_SERVER } from '../manager/fixtures.js';
import { captureIo } from './capture-io.js';
import { runCli } from './cli-process.js';

// Distinctive values: none may appear in any output.
const SIGNATURE_KEY = 'sig-KEY-d0ct0r-91b2e4f7';
const API_KEY = 'api-KEY-d0ct0r-7f3a9c11';
const HEADER_SECRET = 'hdr-SECRET-d0ct0r-55d1aa';
const ENV_SECRET = 'env-SECRET-d0ct0r-c3e8b2';
const REDIS_PASSWORD = 'redis-PW-d0ct0r-0e7d41';
const SECRETS = [SIGNATURE_KEY, API_KEY, HEADER_SECRET, ENV_SECRET, REDIS_PASSWORD];

let notes: DemoConnector;
let files: DemoConnector;
let mapEndpoint: MapEndpoint;
let mapUrl: string;
let closedPort: number;
let home: string;
let redis: RedisServer | undefined;
const outputs: string[] = [];

beforeAll(async () => {
  [notes, files] = await Promise.all([
    startDemoConnector({ name: 'notes', requiredBearer: API_KEY }),
    startDemoConnector({ name: 'files' }),
  ]);
  mapEndpoint = new MapEndpoint();
  mapUrl = await mapEndpoint.listen();
  closedPort = await freePort();
  home = await mkdtemp(join(tmpdir(), 'mcp-host-doctor-'));
});
afterAll(async () => {
  await Promise.all([notes.close(), files.close(), mapEndpoint.close(), redis?.stop()]);
  await rm(home, { recursive: true, force: true });
});

let caseCount = 0;
/** A fresh folder with a healthy registry file: an SSE server with a secret header and a stdio server with a secret env. */
async function freshRegistry(): Promise<string> {
  const registryPath = join(home, `case-${caseCount++}`, 'servers.json');
  await mkdir(join(registryPath, '..'), { recursive: true, mode: 0o700 });
  const servers = [
    {
      name: 'files',
      transport: 'sse',
      enabled: true,
      url: files.sseUrl,
      headers: { 'X-Trace': HEADER_SECRET },
    },
    {
      name: 'local',
      transport: 'stdio',
      enabled: true,
      command: process.execPath,
      args: [STDIO_SERVER, 'local'],
      env: { FIXTURE_SECRET: ENV_SECRET },
    },
  ];
  await writeFile(registryPath, `${JSON.stringify({ version: 1, servers }, null, 2)}\n`, { mode: 0o600 });
  return registryPath;
}

function publishMap(withUnreachable: boolean, key = SIGNATURE_KEY): void {
  const connectors = [entry('notes', notes.streamableUrl, { auth: { type: 'bearer' } })];
  if (withUnreachable) connectors.push(entry('gone', `http://127.0.0.1:${closedPort}/mcp`));
  mapEndpoint.publish(mapOf(connectors, 300), key);
}

interface DoctorRun {
  code: number;
  out: string;
  err: string;
  lines: string[];
}

// A generous probe budget: a stdio connector is a fresh node process, which on a loaded 2-core machine can take
// seconds to answer; no test here depends on the budget running out.
const PROBE_BUDGET = ['--timeout-ms', '20000'];

async function doctor(env: Record<string, string>, args: string[] = [], isTTY = false): Promise<DoctorRun> {
  const io = captureIo(isTTY);
  const code = await runDoctor([...PROBE_BUDGET, ...args], io, env);
  outputs.push(io.out(), io.err());
  return { code, out: io.out(), err: io.err(), lines: io.out().split('\n') };
}

function lineOf(run: DoctorRun, name: string): string {
  const found = run.lines.find((line) => new RegExp(`^\\w+\\s+${name}\\s`).test(line));
  if (found === undefined) throw new Error(`no "${name}" line in:\n${run.out}`);
  return found;
}

function baseEnv(registryPath: string): Record<string, string> {
  return {
    CONNECTORS_SERVICE_MAP_URL: mapUrl,
    CONNECTORS_SIGNATURE_KEY: SIGNATURE_KEY,
    CONNECTORS_API_KEY: API_KEY,
    MCP_REGISTRY_PATH: registryPath,
  };
}

describe('mcp-host doctor', () => {
  it('passes every check against a signed map, demo connectors over three transports and a healthy registry file', async () => {
    publishMap(false);
    const run = await doctor(baseEnv(await freshRegistry()));
    expect(run.code, run.out).toBe(0);
    expect(lineOf(run, 'configuration')).toMatch(/^ok\s/);
    expect(lineOf(run, 'service map')).toMatch(/^ok\s.*1 connector/);
    expect(lineOf(run, 'map signature')).toMatch(/^ok\s.*verified with the configured key/);
    expect(lineOf(run, 'map expiry')).toMatch(/^ok\s.*fresh/);
    const notesLine = lineOf(run, 'connector notes');
    expect(notesLine).toMatch(/^ok\s.*streamable-http/);
    expect(notesLine).toContain(`protocol ${LATEST_PROTOCOL_VERSION}, 5 tool(s)`);
    expect(lineOf(run, 'connector files')).toMatch(/^ok\s.*over sse.*5 tool\(s\)/);
    expect(lineOf(run, 'connector local')).toContain(
      `over stdio at ${process.execPath}: protocol ${LATEST_PROTOCOL_VERSION}, 2 tool(s)`,
    );
    expect(lineOf(run, 'registry file')).toMatch(/^ok\s.*2 server\(s\)/);
    expect(run.out).toMatch(/0 failed: the host can run as configured\.\n$/);
    expect(run.err).toBe('');
  });

  it('checks client authentication: open on loopback, and for api-keys a keys file with a key, owner-only', async () => {
    publishMap(false);
    const registryPath = await freshRegistry();
    const keysPath = join(registryPath, '..', 'keys.json');
    const open = await doctor(baseEnv(registryPath));
    expect(lineOf(open, 'client auth')).toMatch(/^ok\s.*none: clients are not asked/);
    const withKeys = { ...baseEnv(registryPath), MCP_AUTH: 'api-keys', MCP_KEYS_PATH: keysPath };
    const missing = await doctor(withKeys);
    expect(missing.code).toBe(1);
    expect(lineOf(missing, 'client auth')).toMatch(/^fail\s.*no keys file at/);
    expect(missing.out).toContain('mcp-host keys add');
    expect((await runCli(['keys', 'add', 'doctor-key'], { env: withKeys })).code).toBe(0);
    const ready = await doctor(withKeys);
    expect(lineOf(ready, 'client auth')).toMatch(/^ok\s.*api-keys: 1 key\(s\)/);
    await chmod(keysPath, 0o644);
    const loose = await doctor(withKeys);
    expect(lineOf(loose, 'client auth')).toMatch(/^warn\s.*readable by other users/);
  });

  it('names an unreachable connector with its fix and exits 1, still checking the others', async () => {
    publishMap(true);
    const run = await doctor(baseEnv(await freshRegistry()));
    expect(run.code).toBe(1);
    const gone = lineOf(run, 'connector gone');
    expect(gone).toMatch(/^fail\s/);
    expect(gone).toContain(`-- fix: Check that an MCP server runs at http://127.0.0.1:${closedPort}/mcp`);
    expect(lineOf(run, 'connector notes')).toMatch(/^ok\s/);
    expect(run.out).toMatch(/1 failed: fix the failed checks above\.\n$/);
  });

  it('fails the signature with a wrong key, says which key to set, and probes no map connector', async () => {
    publishMap(true, 'some-other-signing-key');
    const run = await doctor(baseEnv(await freshRegistry()));
    expect(run.code).toBe(1);
    expect(lineOf(run, 'service map')).toMatch(/^ok\s/);
    const signature = lineOf(run, 'map signature');
    expect(signature).toMatch(/^fail\s.*code signature/);
    expect(signature).toContain('fix: Set CONNECTORS_SIGNATURE_KEY to the key the map was signed with');
    expect(lineOf(run, 'map expiry')).toMatch(/^skip\s/);
    expect(lineOf(run, 'service-map connectors')).toMatch(/^skip\s.*did not pass/);
    expect(run.out).not.toContain('connector notes');
    expect(lineOf(run, 'connector files')).toMatch(/^ok\s/);
  });

  it('fails an unreachable map with the fix, and a wrong API key on the connector that needs it', async () => {
    publishMap(false);
    const registryPath = await freshRegistry();
    const down = await doctor({
      ...baseEnv(registryPath),
      CONNECTORS_SERVICE_MAP_URL: `http://127.0.0.1:${closedPort}/map.json`,
    });
    expect(down.code).toBe(1);
    expect(lineOf(down, 'service map')).toMatch(/^fail\s.*code network.*fix: Check that the map server runs/);
    expect(lineOf(down, 'map signature')).toMatch(/^skip\s/);

    const wrongKey = await doctor({ ...baseEnv(registryPath), CONNECTORS_API_KEY: 'api-KEY-wrong-0000' });
    expect(wrongKey.code).toBe(1);
    expect(lineOf(wrongKey, 'connector notes')).toMatch(
      /^fail\s.*code unauthorized.*fix: Set CONNECTORS_API_KEY to a key this connector accepts\./,
    );
    expect(wrongKey.out).not.toContain('api-KEY-wrong-0000');
  });

  it('fails a corrupt registry file with a fix and leaves the file as it was', async () => {
    publishMap(false);
    const registryPath = await freshRegistry();
    const damaged = `{"version": 1, "servers": [ {"name": "x", "headers": {"A": "${HEADER_SECRET}"`;
    await writeFile(registryPath, damaged);
    const run = await doctor(baseEnv(registryPath));
    expect(run.code).toBe(1);
    expect(lineOf(run, 'registry file')).toMatch(
      /^fail\s.*is not valid JSON -- fix: Repair the JSON by hand/,
    );
    expect(await readFile(registryPath, 'utf8')).toBe(damaged);
    // Without servers from the file, the map's connector is still probed.
    expect(lineOf(run, 'connector notes')).toMatch(/^ok\s/);
  });

  it('warns (exit 0) about a registry file other users can read', async () => {
    publishMap(false);
    const registryPath = await freshRegistry();
    await chmod(registryPath, 0o644);
    const run = await doctor(baseEnv(registryPath));
    expect(run.code).toBe(0);
    expect(lineOf(run, 'registry file')).toMatch(
      /^warn\s.*readable by other users \(mode 644\).*fix: chmod 600/,
    );
  });

  it('names the bad setting and where to set it, skips the rest and exits 1', async () => {
    const run = await doctor({ ...baseEnv(await freshRegistry()), MCP_CONNECTOR_CONCURRENCY: 'lots' });
    expect(run.code).toBe(1);
    expect(lineOf(run, 'configuration')).toBe(
      'fail  configuration  Invalid concurrency "lots" from environment variable MCP_CONNECTOR_CONCURRENCY: expected an integer from 1 to 64. -- fix: Set MCP_CONNECTOR_CONCURRENCY, flag --concurrency, "concurrency" in the config file to an integer from 1 to 64.',
    );
    expect(run.lines.filter((line) => line.startsWith('skip'))).toHaveLength(6);
  });

  it('prints the checks as JSON with --json', async () => {
    publishMap(true);
    const run = await doctor(baseEnv(await freshRegistry()), ['--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.out) as {
      ok: boolean;
      checks: Array<{
        area: string;
        name: string;
        status: string;
        fix?: string;
        protocolVersion?: string;
        toolCount?: number;
      }>;
    };
    expect(report.ok).toBe(false);
    expect(report.checks.map((entry) => entry.area)).toEqual([
      'config',
      'map',
      'signature',
      'expiry',
      'connector',
      'connector',
      'connector',
      'connector',
      'registry',
      'auth',
    ]);
    const notesCheck = report.checks.find((entry) => entry.name === 'connector notes');
    expect(notesCheck).toMatchObject({
      status: 'ok',
      protocolVersion: LATEST_PROTOCOL_VERSION,
      toolCount: 5,
    });
    expect(report.checks.find((entry) => entry.name === 'connector gone')?.fix).toMatch(
      /^Check that an MCP server runs/,
    );
  });

  it('shows probe progress on a terminal and nothing on stderr otherwise', async () => {
    publishMap(true);
    const registryPath = await freshRegistry();
    const tty = await doctor(baseEnv(registryPath), [], true);
    expect(tty.err).toContain('probing 4/4 connectors (1 failed)');
    expect(tty.err).toMatch(/failed: gone: /);
    expect(tty.err.endsWith('; failed: gone\n')).toBe(true);
    const piped = await doctor(baseEnv(registryPath), ['--json'], false);
    expect(piped.err).toBe('');
  });

  it('exits 0 and 1 from the built program as the checks say', async () => {
    publishMap(false);
    const registryPath = await freshRegistry();
    const passing = await runCli(['doctor', ...PROBE_BUDGET], { env: baseEnv(registryPath) });
    outputs.push(passing.stdout, passing.stderr);
    expect(passing.code, passing.stdout).toBe(0);
    const failing = await runCli(['doctor', '--json'], {
      env: { ...baseEnv(registryPath), CONNECTORS_SIGNATURE_KEY: 'not-the-key-at-all' },
    });
    outputs.push(failing.stdout, failing.stderr);
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout).ok).toBe(false);
    const usage = await runCli(['doctor', '--timeout-ms', 'soon'], { env: baseEnv(registryPath) });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Invalid --timeout-ms "soon"');
  });

  describe('with MCP_REDIS_URL', () => {
    /** The test's redis-server, started on first use. */
    async function redisUrl(): Promise<string> {
      redis ??= await startRedisServer();
      return redis.url;
    }

    /** Stores `connectors`' map signed with `key` under `prefix`, as a fleet host's commit would. */
    async function storeSharedMap(prefix: string, key: string): Promise<void> {
      const signed = signServiceMap(mapOf([entry('notes', notes.streamableUrl)], 300), key);
      const generatedAtMs = Date.parse(signed.generatedAt);
      const client = new Redis(await redisUrl(), { lazyConnect: true, maxRetriesPerRequest: 0 });
      await client.connect();
      await client.hset(`${prefix}map`, {
        text: JSON.stringify(signed),
        generatedAtMs: String(generatedAtMs),
        expiresAtMs: String(generatedAtMs + 300_000),
        fetchedAtMs: String(Date.now()),
        writerId: 'host-a',
        fence: '7',
      });
      client.disconnect();
    }

    async function doctorWithRedis(prefix: string, url?: string): Promise<DoctorRun> {
      publishMap(false);
      const redisEnv = { MCP_REDIS_URL: url ?? (await redisUrl()), MCP_REDIS_KEY_PREFIX: prefix };
      return doctor({ ...baseEnv(await freshRegistry()), ...redisEnv });
    }

    it("checks Redis and that the map shared there verifies with this host's keys", async () => {
      const empty = await doctorWithRedis('doctor-empty:');
      expect(empty.code, empty.out).toBe(0);
      expect(lineOf(empty, 'redis')).toMatch(
        new RegExp(
          `^ok\\s+redis\\s+redis://127.0.0.1:${redis?.port} answers; key prefix "doctor-empty:"; no refresh`,
        ),
      );
      expect(lineOf(empty, 'shared map')).toMatch(/^ok\s.*none stored yet/);

      await storeSharedMap('doctor-good:', SIGNATURE_KEY);
      const good = await doctorWithRedis('doctor-good:');
      expect(good.code, good.out).toBe(0);
      expect(lineOf(good, 'shared map')).toMatch(
        /^ok\s.*version 7 from host-a, generated \d+ s ago, verified/,
      );
    });

    it('fails a shared map signed with another key, naming the setting to align', async () => {
      await storeSharedMap('doctor-foreign:', 'another-fleet-signing-key');
      const run = await doctorWithRedis('doctor-foreign:');
      expect(run.code).toBe(1);
      expect(lineOf(run, 'redis')).toMatch(/^ok\s/);
      expect(lineOf(run, 'shared map')).toMatch(
        /^fail\s.*version 7\) fails this host's verification \(code signature\).*fix: Give every host of this fleet the same CONNECTORS_SIGNATURE_KEY/,
      );
      // Doctor only looks: the refused map is still there for the fleet's next refresh to replace.
      const client = new Redis(await redisUrl(), { lazyConnect: true, maxRetriesPerRequest: 0 });
      await client.connect();
      expect(await client.hget('doctor-foreign:map', 'fence')).toBe('7');
      expect(await client.exists('doctor-foreign:lease')).toBe(0);
      client.disconnect();
    });

    it('fails an unreachable Redis with the fix, without its password', async () => {
      const run = await doctorWithRedis('doctor-down:', `redis://:${REDIS_PASSWORD}@127.0.0.1:${closedPort}`);
      expect(run.code).toBe(1);
      expect(lineOf(run, 'redis')).toMatch(
        new RegExp(`^fail\\s.*redis://127.0.0.1:${closedPort} does not answer.*fix: Start Redis at`),
      );
      expect(lineOf(run, 'shared map')).toMatch(/^skip\s.*Redis does not answer/);
      expect(run.out).not.toContain(REDIS_PASSWORD);
    });
  });

  // Runs last: every output of the runs above (success, failures, JSON, TTY progress, the built program).
  it('never prints a signature key, API key, header value, stdio env value or Redis password', () => {
    expect(outputs.length).toBeGreaterThan(20);
    const everything = outputs.join('\n');
    expect(everything).toContain('connector files');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });
});
