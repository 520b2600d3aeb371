// Issue 16, "Abandoned calls": clients that stop waiting without sending notifications/cancelled — a dropped HTTP
// connection, a client process killed mid-call (the Inspector CLI's Ctrl+C), a stdio client that dies — against a
// real `mcp-host serve` process and a real demo upstream, whose `wait` runs until cancelled and whose
// `observations.cancelled` counts the cancellations that reached it.
//
// The call timeout is 2 s and the circuit threshold the default 5: were the host to let abandoned calls run, each
// would time out there, count as a connector failure, and the fifth would open the circuit for every client. So
// besides "the upstream was told", each test checks that the calls count as `aborted`, never as `timeout`, and that
// the circuit stays closed. Timings are never asserted: the bounds below only turn a hang into a failure.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { callRequest, RawMcpClient } from '../server/transport-support.js';
import { connectHttp, type E2eClient } from './helpers/clients.js';
import { fetchStatus, logLines, metricSample, tempCortexHome } from './helpers/host-observation.js';
import { type HostProcess, startHostProcess } from './helpers/host-process.js';
import { waitFor } from './helpers/wait.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const ABANDONING_CLIENT = fileURLToPath(new URL('./helpers/abandoning-client.mjs', import.meta.url));
const CALL_TIMEOUT_MS = '2000';
const CIRCUIT_THRESHOLD = 5;
const ABANDONED_CALLS = 20;
/** Above the circuit threshold, so one counted failure per kill would have opened it. */
const KILLED_CLIENTS = CIRCUIT_THRESHOLD + 1;
/** Generous: a cancellation takes milliseconds; a missing one would arrive only after the 2 s call timeout. */
const CANCELLATION_BOUND = { timeoutMs: 10_000, intervalMs: 5 };

let upstream: DemoConnector;
const homes: Array<{ dir: string; remove: () => Promise<void> }> = [];
const children: ChildProcess[] = [];
/** Stdio hosts the killed clients leave behind: they should exit on their own; a failed test must not leak one. */
const stdioHostPids: number[] = [];
let host: HostProcess;
let client: E2eClient;

/** A CORTEX_HOME whose registry file lists the demo upstream as `up`. */
async function homeWithUpstream(): Promise<string> {
  const home = await tempCortexHome();
  homes.push(home);
  await mkdir(join(home.dir, 'mcp'), { recursive: true });
  const servers = [{ name: 'up', transport: 'streamable-http', url: upstream.streamableUrl }];
  await writeFile(join(home.dir, 'mcp', 'servers.json'), JSON.stringify({ version: 1, servers }));
  return home.dir;
}

beforeAll(async () => {
  upstream = await startDemoConnector({ name: 'up' });
  host = await startHostProcess({
    CORTEX_HOME: await homeWithUpstream(),
    MCP_TOOL_CALL_TIMEOUT_MS: CALL_TIMEOUT_MS,
  });
  client = await connectHttp(`${host.baseUrl}/mcp`);
  await waitFor(
    'the upstream tools',
    async () => (await client.client.listTools()).tools.some((tool) => tool.name === 'up.wait'),
    { timeoutMs: 20_000 },
  );
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of stdioHostPids) if (!exited(pid)) process.kill(pid, 'SIGKILL');
  await client?.close().catch(() => undefined);
  await host?.stop();
  await upstream?.close();
  await Promise.all(homes.map((home) => home.remove()));
});

const upstreamWaitCalls = () => upstream.observations.calls.filter((call) => call.tool === 'wait').length;
const upstreamCancellations = () => upstream.observations.cancelled.length;

/**
 * Runs `start` (which must send one `up.wait` call), waits until the upstream is running it, runs `abandon`, and
 * waits until the upstream received the call's cancellation (a few milliseconds after `abandon`, when measured by hand;
 * never asserted).
 */
async function abandonOneCall(start: () => unknown, abandon: () => unknown): Promise<void> {
  const calls = upstreamWaitCalls();
  const cancelled = upstreamCancellations();
  await start();
  await waitFor('the upstream to run the call', () => upstreamWaitCalls() === calls + 1, {
    timeoutMs: 20_000,
    intervalMs: 5,
  });
  abandon();
  await waitFor(
    'the cancellation at the upstream',
    () => upstreamCancellations() === cancelled + 1,
    CANCELLATION_BOUND,
  );
}

/** A POST of `up.wait` whose connection the client drops mid-call, as an AI SDK abort or a dropped network does. */
function dropMidCall(raw: RawMcpClient, id: number): Promise<void> {
  const abort = new AbortController();
  return abandonOneCall(
    () => void raw.post(callRequest(id, 'up.wait', { ms: 600_000 }), {}, abort.signal).catch(() => undefined),
    () => abort.abort(),
  );
}

/** Starts `abandoning-client.mjs` and resolves once it has sent its call, with the line it printed. */
async function startAbandoningClient(
  args: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; hostPid: number | null }> {
  const child = spawn(process.execPath, [ABANDONING_CLIENT, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += String(chunk);
  });
  const line = await waitFor(
    'the client to send its call',
    () => {
      if (child.exitCode !== null) throw new Error(`the client exited with ${child.exitCode}: ${stderr}`);
      return (
        stdout.includes('\n') &&
        (JSON.parse(stdout.slice(0, stdout.indexOf('\n'))) as { hostPid: number | null })
      );
    },
    { timeoutMs: 30_000, intervalMs: 10 },
  );
  return { child, hostPid: line.hostPid };
}

/** True once `pid` has exited (gone, or a zombie its new parent has not reaped yet). */
function exited(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function expectCircuitClosedAndNothingTimedOut(): Promise<void> {
  const status = await fetchStatus(host.baseUrl);
  const up = status.connectors.find((connector) => connector.id === 'up');
  expect(up?.circuit).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  expect(up?.calls?.errors).toBe(0);
  const metrics = await (await fetch(`${host.baseUrl}/metrics`)).text();
  expect(metricSample(metrics, 'mcp_tool_call_errors_total', { connector: 'up', kind: 'timeout' }) ?? 0).toBe(
    0,
  );
}

async function expectNextCallToSucceed(): Promise<void> {
  expect(await client.client.callTool({ name: 'up.echo', arguments: { text: 'next' } })).toEqual({
    content: [{ type: 'text', text: 'up: next' }],
  });
}

describe('over HTTP', () => {
  it('a client that drops its connection mid-call: the upstream is told to cancel, and the call counts as aborted', async () => {
    const raw = new RawMcpClient(`${host.baseUrl}/mcp`);
    try {
      await raw.open();
      await dropMidCall(raw, 1);
    } finally {
      await raw.close();
    }
    const status = await fetchStatus(host.baseUrl);
    expect(status.connectors.find((connector) => connector.id === 'up')?.calls).toMatchObject({
      errors: 0,
      cancelled: 1,
    });
    const metrics = await (await fetch(`${host.baseUrl}/metrics`)).text();
    expect(metricSample(metrics, 'mcp_tool_call_errors_total', { connector: 'up', kind: 'aborted' })).toBe(1);
    await expectCircuitClosedAndNothingTimedOut();
  });

  it(`${ABANDONED_CALLS} abandoned calls in a row leave the circuit closed, and the next call succeeds`, async () => {
    const raw = new RawMcpClient(`${host.baseUrl}/mcp`);
    try {
      await raw.open();
      for (let id = 1; id <= ABANDONED_CALLS; id += 1) await dropMidCall(raw, id);
    } finally {
      await raw.close();
    }
    await expectCircuitClosedAndNothingTimedOut();
    await expectNextCallToSucceed();
  });

  it(`${KILLED_CLIENTS} client processes killed mid-call (the Inspector CLI case): each call cancelled upstream, circuit closed`, async () => {
    for (let kill = 1; kill <= KILLED_CLIENTS; kill += 1) {
      let child: ChildProcess | undefined;
      await abandonOneCall(
        async () => {
          ({ child } = await startAbandoningClient(['http', `${host.baseUrl}/mcp`, 'up.wait'], {}));
        },
        () => child?.kill('SIGKILL'),
      );
    }
    await expectCircuitClosedAndNothingTimedOut();
    await expectNextCallToSucceed();
  });
});

describe('over stdio', () => {
  it('a stdio client killed mid-call: the host cancels the call upstream, then exits', async () => {
    const home = await homeWithUpstream();
    const hostStderr = join(home, 'host-stderr.log');
    let child: ChildProcess | undefined;
    let hostPid: number | null = null;
    await abandonOneCall(
      async () => {
        ({ child, hostPid } = await startAbandoningClient(['stdio', CLI, 'up.wait', hostStderr], {
          CORTEX_HOME: home,
          // Nothing but the host's own cancellation can end this call within the test's bounds: no call timeout
          // and no shutdown deadline for ten minutes.
          MCP_TOOL_CALL_TIMEOUT_MS: '600000',
          MCP_HOST_SHUTDOWN_GRACE_MS: '600000',
          MCP_LOG_LEVEL: 'info',
        }));
        if (hostPid !== null) stdioHostPids.push(hostPid);
      },
      () => child?.kill('SIGKILL'),
    );
    expect(hostPid).toBeTypeOf('number');
    await waitFor('the stdio host to exit', () => exited(hostPid as number), { timeoutMs: 15_000 });
    const messages = logLines(readFileSync(hostStderr, 'utf8'));
    expect(messages.find((line) => line.msg === 'shutting down')).toMatchObject({
      reason: 'client closed stdin',
    });
    expect(messages.some((line) => line.msg === 'mcp-host stopped')).toBe(true);
  });
});
