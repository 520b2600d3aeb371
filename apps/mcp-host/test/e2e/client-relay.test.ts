// The way back to the client, end to end: an upstream's log messages and its sampling/createMessage,
// elicitation/create and roots/list, sent while serving a call, reach the client whose call it is and no other, and
// each answer goes back to the upstream call that asked. Real parts throughout: one `relay-upstream.mjs` process
// serving Streamable HTTP and legacy SSE, another spawned by the host over stdio, a real `mcp-host serve` (and a
// `serve --stdio` for a stdio client), and real SDK clients that answer with their own tag and record what they got.
//
// On Streamable HTTP the upstream's messages arrive on the POST stream of the call they belong to. Legacy SSE and
// stdio have no per-request streams: the host relates a message to the one call in flight on that connector, and
// with two or more in flight it cannot tell whose a message is, so it refuses the requests (-32603) and keeps the
// logs in its own log. Calls there run one at a time, except in the test that asserts that refusal.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type ClientCapabilities,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ALL_CLIENT_FEATURES,
  connectHttp,
  connectStdio,
  type E2eClient,
  type E2eClientOptions,
} from './helpers/clients.js';
import { logLines, tempCortexHome } from './helpers/host-observation.js';
import { type HostProcess, startHostProcess } from './helpers/host-process.js';
import { waitFor } from './helpers/wait.js';

const RELAY_UPSTREAM = fileURLToPath(new URL('./helpers/relay-upstream.mjs', import.meta.url));
const CONNECTORS = { 'Streamable HTTP': 'relay-http', SSE: 'relay-sse', stdio: 'relay-stdio' } as const;
type ConnectorId = (typeof CONNECTORS)[keyof typeof CONNECTORS];
const TOOLS_BOUND = { timeoutMs: 20_000, intervalMs: 20 };

/** A test client and everything the host sent it on behalf of an upstream. */
interface Party {
  readonly tag: string;
  readonly client: E2eClient;
  readonly logs: Array<{ level: string; logger?: string; data: unknown }>;
  /** The upstream's requests this client answered: method, and the text that names the asking call. */
  readonly requests: string[];
}

let upstream: ChildProcess;
let streamableUrl: string;
let sseUrl: string;
let host: HostProcess;
const homes: Array<{ remove: () => Promise<void> }> = [];
const parties: Party[] = [];
let a: Party;
let b: Party;
/** A client that declared no client capabilities at all. */
let bare: Party;

/** Starts the HTTP relay upstream and resolves with the URLs it prints. */
async function startRelayUpstream(): Promise<{ streamableUrl: string; sseUrl: string }> {
  upstream = spawn(process.execPath, [RELAY_UPSTREAM], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  upstream.stdout?.on('data', (chunk: Buffer) => {
    stdout += String(chunk);
  });
  return waitFor(
    'the relay upstream to print its URLs',
    () => {
      if (upstream.exitCode !== null) throw new Error(`the relay upstream exited with ${upstream.exitCode}`);
      return stdout.includes('\n') && JSON.parse(stdout.slice(0, stdout.indexOf('\n')));
    },
    { timeoutMs: 15_000, intervalMs: 10 },
  );
}

/** A CORTEX_HOME whose registry file lists the relay upstream over each of the three transports. */
async function homeWithConnectors(): Promise<string> {
  const home = await tempCortexHome();
  homes.push(home);
  await mkdir(join(home.dir, 'mcp'), { recursive: true });
  const servers = [
    { name: CONNECTORS['Streamable HTTP'], transport: 'streamable-http', url: streamableUrl },
    { name: CONNECTORS.SSE, transport: 'sse', url: sseUrl },
    {
      name: CONNECTORS.stdio,
      transport: 'stdio',
      command: process.execPath,
      args: [RELAY_UPSTREAM, '--stdio'],
    },
  ];
  await writeFile(join(home.dir, 'mcp', 'servers.json'), JSON.stringify({ version: 1, servers }));
  return home.dir;
}

/** Connects a client tagged `tag` that answers every relayed request with its tag and the asking call's text. */
async function joinAs(
  tag: string,
  connect: (options: E2eClientOptions) => Promise<E2eClient>,
  capabilities: ClientCapabilities = ALL_CLIENT_FEATURES,
): Promise<Party> {
  const logs: Party['logs'] = [];
  const requests: string[] = [];
  const prepare = (client: Client) => {
    client.setNotificationHandler(LoggingMessageNotificationSchema, ({ params }) => void logs.push(params));
    // The SDK refuses a handler for a capability the client did not declare.
    if (capabilities.sampling) {
      client.setRequestHandler(CreateMessageRequestSchema, ({ method, params }) => {
        const asked = (params.messages[0]?.content as { text?: string } | undefined)?.text;
        requests.push(`${method} ${asked}`);
        return { role: 'assistant', content: { type: 'text', text: `${tag}: ${asked}` }, model: tag };
      });
    }
    if (capabilities.elicitation) {
      client.setRequestHandler(ElicitRequestSchema, ({ method, params }) => {
        requests.push(`${method} ${params.message}`);
        return { action: 'accept', content: { answer: `${tag}: ${params.message}` } };
      });
    }
    if (capabilities.roots) {
      client.setRequestHandler(ListRootsRequestSchema, ({ method }) => {
        requests.push(method);
        return { roots: [{ uri: `file:///${tag}` }] };
      });
    }
  };
  const client = await connect({ capabilities, prepare });
  await waitFor(
    'the relay tools',
    async () =>
      (await client.client.listTools()).tools.filter((tool) => tool.name.endsWith('.ask')).length === 3,
    TOOLS_BOUND,
  );
  const party = { tag, client, logs, requests };
  parties.push(party);
  return party;
}

/** `<connector>.ask` as `party`: what the upstream call got back from each of its three requests. */
async function ask(
  party: Party,
  connector: ConnectorId,
  meeting?: { meet: string; together: number },
): Promise<unknown[]> {
  const result = await party.client.client.callTool({
    name: `${connector}.ask`,
    arguments: { tag: party.tag, ...meeting },
  });
  expect(result.isError).toBeFalsy();
  return JSON.parse((result.content as Array<{ text: string }>)[0]?.text ?? 'null');
}

/** What the upstream call of client `tag` gets when that client answered it. */
const answeredBy = (tag: string) => [
  { role: 'assistant', content: { type: 'text', text: `${tag}: sample ${tag}` }, model: tag },
  { action: 'accept', content: { answer: `${tag}: elicit ${tag}` } },
  { roots: [{ uri: `file:///${tag}` }] },
];

/** What client `tag` sees of its own call on `connector`: the call's log, and its three requests. */
function expectSawOwnCallOnly(party: Party, connector: ConnectorId): void {
  expect(party.logs).toEqual([{ level: 'info', logger: `${connector}/relay`, data: `log ${party.tag}` }]);
  expect(party.requests).toEqual([
    `sampling/createMessage sample ${party.tag}`,
    `elicitation/create elicit ${party.tag}`,
    'roots/list',
  ]);
}

/**
 * Checked once the calls have answered: the host sends an upstream's messages about a call before the call's answer,
 * so one that had gone astray would have been sent by then.
 */
function expectSawNothing(party: Party): void {
  expect(party.logs).toEqual([]);
  expect(party.requests).toEqual([]);
}

beforeAll(async () => {
  ({ streamableUrl, sseUrl } = await startRelayUpstream());
  host = await startHostProcess({ CORTEX_HOME: await homeWithConnectors() });
  const hostUrl = `${host.baseUrl}/mcp`;
  a = await joinAs('A', (options) => connectHttp(hostUrl, options));
  b = await joinAs('B', (options) => connectHttp(hostUrl, options));
  bare = await joinAs('bare', (options) => connectHttp(hostUrl, options), {});
});

beforeEach(() => {
  for (const party of parties) {
    party.logs.length = 0;
    party.requests.length = 0;
  }
});

afterAll(async () => {
  await Promise.allSettled(parties.map((party) => party.client.close()));
  await host?.stop();
  if (upstream && upstream.exitCode === null && upstream.signalCode === null) upstream.kill('SIGKILL');
  await Promise.all(homes.map((home) => home.remove()));
});

describe.each(Object.entries(CONNECTORS))('with a %s upstream', (_transport, connector) => {
  it("A's call logs, samples, elicits and lists roots: A sees all of it and answers it, B sees none of it", async () => {
    expect(await ask(a, connector)).toEqual(answeredBy('A'));
    expectSawOwnCallOnly(a, connector);
    expectSawNothing(b);
  });

  it('a client that declared no capabilities gets its log, and each request refused with -32601 naming the capability', async () => {
    const refused = (capability: string) => ({
      error: expect.stringContaining(`did not declare the ${capability} capability`),
      code: -32601,
    });
    expect(await ask(bare, connector)).toEqual([
      refused('sampling'),
      refused('elicitation'),
      refused('roots'),
    ]);
    expect(bare.logs).toEqual([{ level: 'info', logger: `${connector}/relay`, data: 'log bare' }]);
    expectSawNothing(a);
    expectSawNothing(b);
  });
});

it('A and B calling at once on the Streamable HTTP connector: each sees only its own call, each answer reaches its call', async () => {
  const meeting = { meet: 'http-at-once', together: 2 };
  const [answersA, answersB] = await Promise.all([
    ask(a, CONNECTORS['Streamable HTTP'], meeting),
    ask(b, CONNECTORS['Streamable HTTP'], meeting),
  ]);
  expect(answersA).toEqual(answeredBy('A'));
  expect(answersB).toEqual(answeredBy('B'));
  expectSawOwnCallOnly(a, CONNECTORS['Streamable HTTP']);
  expectSawOwnCallOnly(b, CONNECTORS['Streamable HTTP']);
});

it('passes a client’s roots/list_changed to the connectors its calls used, and no other client’s', async () => {
  const connector = CONNECTORS['Streamable HTTP'];
  const count = async () => {
    const result = await a.client.client.callTool({ name: `${connector}.roots-changes`, arguments: {} });
    return Number((result.content as Array<{ text: string }>)[0]?.text);
  };
  const before = await count(); // A has now used the connector
  const stranger = await joinAs('C', (options) => connectHttp(`${host.baseUrl}/mcp`, options));
  await stranger.client.client.sendRootsListChanged(); // C called nothing: no connector hears of it
  await a.client.client.sendRootsListChanged();
  await waitFor('the roots change at the upstream', async () =>
    (await count()) > before ? true : undefined,
  );
  expect(await count()).toBe(before + 1);
});

describe.each([CONNECTORS.SSE, CONNECTORS.stdio])('two calls at once on %s', (connector) => {
  it('cannot be told apart: the requests are refused with -32603, the logs go to the host log, neither client sees the other’s', async () => {
    const meeting = { meet: `${connector}-at-once`, together: 2 };
    const [answersA, answersB] = await Promise.all([ask(a, connector, meeting), ask(b, connector, meeting)]);
    const refusal = { error: expect.stringContaining('cannot tell which client'), code: -32603 };
    expect(answersA).toEqual([refusal, refusal, refusal]);
    expect(answersB).toEqual([refusal, refusal, refusal]);
    expectSawNothing(a);
    expectSawNothing(b);
    await waitFor(
      'both logs in the host log',
      () => {
        const data = logLines(host.stderr())
          .filter((line) => line.msg === 'upstream log message' && line.connectorId === connector)
          .map((line) => line.data);
        return data.includes('log A') && data.includes('log B');
      },
      { timeoutMs: 10_000, intervalMs: 20 },
    );
  });
});

describe('a stdio client (its own `mcp-host serve --stdio`) beside an HTTP client', () => {
  let viaStdio: Party;
  beforeAll(async () => {
    const home = await homeWithConnectors();
    viaStdio = await joinAs('S', (options) => connectStdio({ CORTEX_HOME: home }, options));
  });

  it.each(Object.entries(CONNECTORS))(
    'calling at once with a %s upstream: each sees only its own call, each answer reaches its call',
    async (_transport, connector) => {
      // Each host has its own connection to the upstream, so each has one call in flight on it, whatever the
      // transport. The stdio upstreams are two processes (one per host): nothing to meet there.
      const meeting =
        connector === CONNECTORS.stdio ? undefined : { meet: `stdio-client-${connector}`, together: 2 };
      const [answersS, answersB] = await Promise.all([
        ask(viaStdio, connector, meeting),
        ask(b, connector, meeting),
      ]);
      expect(answersS).toEqual(answeredBy('S'));
      expect(answersB).toEqual(answeredBy('B'));
      expectSawOwnCallOnly(viaStdio, connector);
      expectSawOwnCallOnly(b, connector);
      expectSawNothing(a);
    },
  );
});
