// The audit log: one entry per forwarded request — who, which session, what, where, how it ended, how long — and
// never an argument, a result or a credential.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit-log.js';
import { ApiKeyBook, apiKeyDoor, newApiKey } from '../../src/auth/index.js';
import { HostMetrics } from '../../src/metrics.js';
import { type AuditEntry, createHostHttpServer, type HostHttpServer } from '../../src/server/index.js';
import { createTestRegistry, type ToolObservations } from './support.js';

const SECRET_ARGUMENT = 'argument-value-that-must-not-be-audited';
const made = newApiKey('auditor', [], new Date());
const entries: AuditEntry[] = [];
let server: HostHttpServer;
let client: Client;
let transport: StreamableHTTPClientTransport;
let observed: ToolObservations;

beforeAll(async () => {
  const created = createTestRegistry();
  const { registry } = created;
  observed = created.observed;
  const book = new ApiKeyBook([made.entry]);
  server = await createHostHttpServer({
    registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    getStatus: () => ({}),
    isReady: () => true,
    serverInfo: { name: 'audit', version: '1' },
    door: apiKeyDoor(() => book),
    audit: (entry) => entries.push(entry),
  });
  client = new Client({ name: 'audit-test', version: '1.0.0' });
  transport = new StreamableHTTPClientTransport(new URL(server.url), {
    requestInit: { headers: { authorization: `Bearer ${made.key}` } },
  });
  await client.connect(transport);
});

afterAll(async () => {
  await client.close();
  await server.close();
});

describe('the audit sink', () => {
  it('gets one entry per tool call: who, session, method, connector, name, outcome, duration', async () => {
    entries.length = 0;
    await client.callTool({ name: 'local.echo', arguments: { text: SECRET_ARGUMENT } });
    await client.callTool({ name: 'local.fail', arguments: {} });
    await client.callTool({ name: 'local.throws', arguments: {} });
    expect(entries).toEqual([
      expect.objectContaining({
        method: 'tools/call',
        connectorId: 'local',
        name: 'local.echo',
        outcome: 'ok',
      }),
      expect.objectContaining({ name: 'local.fail', outcome: 'tool_error' }),
      expect.objectContaining({ name: 'local.throws', outcome: 'tool_error' }),
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({ subject: 'key:auditor', sessionId: transport.sessionId });
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    }
    const text = JSON.stringify(entries);
    expect(text).not.toContain(SECRET_ARGUMENT);
    expect(text).not.toContain(made.key);
  });

  it('records a cancelled call as cancelled', async () => {
    entries.length = 0;
    const abort = new AbortController();
    const call = client.callTool({ name: 'local.wait', arguments: {} }, undefined, { signal: abort.signal });
    await observed.waitStarted.promise; // the call runs at the host
    abort.abort();
    await call.catch(() => undefined);
    await expect.poll(() => entries.map((entry) => entry.outcome)).toEqual(['cancelled']);
  });
});

describe('openAuditLog', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'audit-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const entry: AuditEntry = {
    method: 'tools/call',
    connectorId: 'c',
    name: 't',
    outcome: 'ok',
    durationMs: 1.5,
  };
  const logger = () => {
    const lines: Array<{ fields: object; message?: string }> = [];
    const write = (fields: object, message?: string) => lines.push({ fields, message });
    return {
      lines,
      log: { trace: write, debug: write, info: write, warn: write, error: write, fatal: write },
    };
  };

  it('is nothing when off, and a host log line with log', async () => {
    expect(openAuditLog('off', logger().log)).toBeUndefined();
    const { lines, log } = logger();
    openAuditLog('log', log)?.sink(entry);
    expect(lines).toEqual([{ fields: { audit: entry }, message: 'forwarded request' }]);
  });

  it('appends JSON lines to a file only its owner can read', async () => {
    const path = join(dir, 'audit.jsonl');
    const audit = openAuditLog(path, logger().log);
    audit?.sink(entry);
    audit?.sink({ ...entry, outcome: 'error', code: -32602 });
    await audit?.close();
    const lines = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { time: expect.any(String), ...entry },
      { time: expect.any(String), ...entry, outcome: 'error', code: -32602 },
    ]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
