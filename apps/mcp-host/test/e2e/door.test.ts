// Issue 17, first part: the door. A real `mcp-host serve` refuses to listen off loopback with no client
// authentication (unless told to, with a warning), and with `auth: api-keys` lets in only the keys made by
// `mcp-host keys add` (real child processes), binds each MCP session to the key that opened it, keeps the ops
// endpoints for keys with the ops scope, and follows `keys remove` without a restart.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { logLines, tempCortexHome } from './helpers/host-observation.js';
import { type HostProcess, startHostProcess } from './helpers/host-process.js';
import { waitFor } from './helpers/wait.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

let upstream: DemoConnector;
let home: { dir: string; remove: () => Promise<void> };
let host: HostProcess;
const keys: Record<'alice' | 'bob' | 'ops', string> = { alice: '', bob: '', ops: '' };
const clients: Client[] = [];

/** Runs the CLI to its end with `env` (PATH added); resolves with its exit code and output. */
async function cli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
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
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

async function connectAs(key: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'door-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${host.baseUrl}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${key}` } },
  });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

function post(headers: Record<string, string>, body: unknown = { jsonrpc: '2.0', id: 1, method: 'ping' }) {
  return fetch(`${host.baseUrl}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  upstream = await startDemoConnector({ name: 'up' });
  home = await tempCortexHome();
  await mkdir(join(home.dir, 'mcp'), { recursive: true });
  const servers = [{ name: 'up', transport: 'streamable-http', url: upstream.streamableUrl }];
  await writeFile(join(home.dir, 'mcp', 'servers.json'), JSON.stringify({ version: 1, servers }));
  for (const [name, scopes] of [
    ['alice', []],
    ['bob', []],
    ['ops', ['--scope', 'mcp:ops']],
  ] as const) {
    const made = await cli(['keys', 'add', name, ...scopes], { CORTEX_HOME: home.dir });
    expect(made.code).toBe(0);
    keys[name] = made.stdout.split('\n')[0] ?? '';
  }
  host = await startHostProcess({ CORTEX_HOME: home.dir, MCP_AUTH: 'api-keys' });
});

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()));
  await host?.stop();
  await upstream?.close();
  await home?.remove();
});

describe('binding off loopback', () => {
  it('refuses to serve on 0.0.0.0 without auth: exit code 2, naming the setting', async () => {
    const run = await cli(['serve'], { CORTEX_HOME: home.dir, MCP_HOST_BIND: '0.0.0.0', MCP_HOST_PORT: '0' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /host 0\.0\.0\.0 .* is not a loopback address and auth is none.*--allow-unauthenticated/,
    );
  });

  it('serves open on 0.0.0.0 with --allow-unauthenticated, and warns', async () => {
    const open = await startHostProcess({
      CORTEX_HOME: home.dir,
      MCP_HOST_BIND: '0.0.0.0',
      MCP_ALLOW_UNAUTHENTICATED: 'true',
    });
    try {
      await waitFor('the warning', async () =>
        logLines(open.stderr()).some((line) => /without client authentication/.test(line.msg))
          ? true
          : undefined,
      );
    } finally {
      await open.stop();
    }
  }, 30_000);
});

describe('auth: api-keys', () => {
  it('answers 401 with a Bearer challenge to no key and to a wrong key', async () => {
    const none = await post({});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="mcp-host"');
    const wrong = await post({ authorization: 'Bearer cmcp_not-a-key' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="mcp-host", error="invalid_token"');
    expect(await wrong.json()).toMatchObject({
      error: { code: -32001, message: expect.stringMatching(/not one of this host/) },
    });
  });

  it('lets a key in: lists and calls tools through the SDK client', async () => {
    const { client } = await connectAs(keys.alice);
    await waitFor('the upstream tools', async () =>
      (await client.listTools()).tools.some((tool) => tool.name === 'up.echo') ? true : undefined,
    );
    const result = await client.callTool({ name: 'up.echo', arguments: { text: 'hi' } });
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([{ type: 'text', text: expect.stringContaining('hi') }]);
  });

  it('binds a session to the key that opened it: another key presenting its id gets 404', async () => {
    const { transport } = await connectAs(keys.alice);
    const sessionId = transport.sessionId as string;
    const asBob = await post({ authorization: `Bearer ${keys.bob}`, 'mcp-session-id': sessionId });
    expect(asBob.status).toBe(404);
    const asAlice = await post({
      authorization: `Bearer ${keys.alice}`,
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-11-25',
    });
    expect(asAlice.status).toBe(200);
  });

  it('keeps /status, /metrics and the status page for the ops scope; /healthz and /readyz stay open', async () => {
    const get = (path: string, key?: string) =>
      fetch(`${host.baseUrl}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
    for (const path of ['/status', '/metrics', '/']) {
      expect((await get(path)).status).toBe(401);
      const alice = await get(path, keys.alice);
      expect(alice.status).toBe(403);
      expect(alice.headers.get('www-authenticate')).toMatch(/error="insufficient_scope", scope="mcp:ops"/);
      expect((await get(path, keys.ops)).status).toBe(200);
    }
    expect((await get('/healthz')).status).toBe(200);
    expect([200, 503]).toContain((await get('/readyz')).status);
  });

  it('follows keys remove without a restart, and never logs a key', async () => {
    expect((await post({ authorization: `Bearer ${keys.bob}` })).status).not.toBe(401);
    const removed = await cli(['keys', 'remove', 'bob'], { CORTEX_HOME: home.dir });
    expect(removed.code).toBe(0);
    await waitFor('bob refused', async () =>
      (await post({ authorization: `Bearer ${keys.bob}` })).status === 401 ? true : undefined,
    );
    for (const key of Object.values(keys)) expect(host.stderr() + host.stdout()).not.toContain(key);
  });
});
