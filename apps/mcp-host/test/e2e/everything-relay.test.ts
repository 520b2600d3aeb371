// The issue's acceptance point: "server-everything (real package) lists the same tools through the host as
// directly, and its sampling, elicitation and roots tools work through the host with an SDK client that provides
// handlers." The published server-everything runs behind one real `mcp-host serve`, twice, both from the host's
// registry file: over Streamable HTTP as `remote`, and as the host's stdio child as `local`. Each answer through the
// host is compared with what a direct SDK client of the same server gets when it declares the same features and
// answers with the same handlers.
//
// Two habits of server-everything shape the order of the tests below. 350 ms after `initialize` it asks its client
// for `roots/list` on its own; the host refuses that request (it belongs to no client's request), and the suite waits
// for that refusal before calling anything, so the request can never be taken for part of a call. And it keeps the
// roots it got per upstream session, which all of the host's clients share: the client that declares no feature
// calls `get-roots-list` before the client with handlers has given the upstream any roots.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type EverythingServer, everythingStdioCommand, startEverything } from '@cortex-mcp/test-servers';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type CallToolResult,
  CreateMessageRequestSchema,
  type CreateMessageResult,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_CLIENT_FEATURES,
  connectHttp,
  connectStdioServer,
  type E2eClient,
  type E2eClientOptions,
} from './helpers/clients.js';
import { logLines, tempCortexHome } from './helpers/host-observation.js';
import { type HostProcess, startHostProcess } from './helpers/host-process.js';
import { waitFor } from './helpers/wait.js';

const UPSTREAMS = ['remote', 'local'] as const;
type UpstreamId = (typeof UPSTREAMS)[number];

type Handler = 'sampling' | 'elicitation' | 'roots';

/**
 * The tools server-everything offers only to a client that declares a feature: their arguments (a fixed elicitation
 * id, so the URL elicitation answers alike on every path), the client handler they reach, and the capability and
 * method the host names when it refuses them to a client that declares nothing.
 */
const FEATURE_TOOLS = {
  'trigger-sampling-request': {
    arguments: { prompt: 'Name a colour', maxTokens: 20 },
    handler: 'sampling',
    refusal: { capability: 'sampling', method: 'sampling/createMessage' },
  },
  'trigger-elicitation-request': {
    arguments: {},
    handler: 'elicitation',
    refusal: { capability: 'elicitation', method: 'elicitation/create' },
  },
  'trigger-url-elicitation': {
    arguments: { url: 'https://example.org/consent', elicitationId: 'e2e-consent' },
    handler: 'elicitation',
    refusal: { capability: 'elicitation', method: 'elicitation/create' },
  },
  'get-roots-list': {
    arguments: {},
    handler: 'roots',
    refusal: { capability: 'roots', method: 'roots/list' },
  },
} as const satisfies Record<
  string,
  { arguments: object; handler: Handler; refusal: { capability: string; method: string } }
>;
type FeatureTool = keyof typeof FEATURE_TOOLS;
const FEATURE_TOOL_NAMES = Object.keys(FEATURE_TOOLS) as FeatureTool[];
/** The tools whose server→client request goes out with the call it serves (get-roots-list's does not: see below). */
const RELATED_TOOL_NAMES = FEATURE_TOOL_NAMES.filter((tool) => tool !== 'get-roots-list');

const SAMPLED: CreateMessageResult = {
  role: 'assistant',
  content: { type: 'text', text: 'Vermilion.' },
  model: 'e2e-fixed-model',
  stopReason: 'endTurn',
};
/** Valid against the form server-everything requests (only `name` is required). */
const FORM_ANSWER = { name: 'Ada Lovelace', check: true, email: 'ada@example.org', integer: 7, number: 2.5 };
const ROOTS = [{ uri: 'file:///work/project', name: 'project' }, { uri: 'file:///work/notes' }];
/** server-everything's answer to get-roots-list when it has no roots for the session (it swallows the refusal). */
const NO_ROOTS = /^The client supports roots but no roots are currently configured\./;

/** What reached one client: the params of each server→client request its handlers answered, and log messages. */
interface Seen {
  sampling: unknown[];
  elicitation: unknown[];
  roots: unknown[];
  logs: Array<{ level: string; logger?: string; data: unknown }>;
}

const seen = (): Seen => ({ sampling: [], elicitation: [], roots: [], logs: [] });
const asked = (record: Seen) => ({
  sampling: record.sampling.length,
  elicitation: record.elicitation.length,
  roots: record.roots.length,
});

/** A client that declares no feature and records the log messages it receives. */
function listening(record: Seen): E2eClientOptions {
  return {
    prepare: (client: Client) => {
      client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
        record.logs.push(notification.params);
      });
    },
  };
}

/** A client declaring every feature the host declares upstream, answering with the fixed handlers. */
function answering(record: Seen): E2eClientOptions {
  return {
    capabilities: ALL_CLIENT_FEATURES,
    prepare: (client: Client) => {
      listening(record).prepare?.(client);
      client.setRequestHandler(CreateMessageRequestSchema, (request) => {
        record.sampling.push(request.params);
        return SAMPLED;
      });
      client.setRequestHandler(ElicitRequestSchema, (request) => {
        record.elicitation.push(request.params);
        return request.params.mode === 'url'
          ? { action: 'accept' }
          : { action: 'accept', content: FORM_ANSWER };
      });
      client.setRequestHandler(ListRootsRequestSchema, (request) => {
        record.roots.push(request.params);
        return { roots: ROOTS };
      });
    },
  };
}

let everything: EverythingServer;
let home: { dir: string; remove: () => Promise<void> };
let host: HostProcess;
/** Direct SDK clients of each upstream, declaring every feature, by connector id. */
const direct = new Map<UpstreamId, E2eClient>();
const seenDirect = new Map<UpstreamId, Seen>(UPSTREAMS.map((id) => [id, seen()]));
/** A host client declaring every feature, with handlers. */
let capable: E2eClient;
const seenCapable = seen();
/** A host client declaring no feature. */
let bare: E2eClient;
const seenBare = seen();

const directClient = (id: UpstreamId) => (direct.get(id) as E2eClient).client;
const directSeen = (id: UpstreamId) => seenDirect.get(id) as Seen;

/** The host's log lines that say it refused `method` from connector `id` as belonging to no request. */
const refusedUnrelated = (id: UpstreamId, method: string) =>
  logLines(host.stderr()).filter(
    (line) =>
      line.connectorId === id &&
      line.method === method &&
      line.msg === 'refused a server→client request that belongs to no forwarded request',
  );

beforeAll(async () => {
  everything = await startEverything('streamableHttp');
  home = await tempCortexHome();
  const stdio = everythingStdioCommand();
  const servers = [
    { name: 'remote', transport: 'streamable-http', url: everything.url },
    { name: 'local', transport: 'stdio', command: stdio.command, args: stdio.args },
  ];
  await mkdir(join(home.dir, 'mcp'), { recursive: true });
  await writeFile(join(home.dir, 'mcp', 'servers.json'), JSON.stringify({ version: 1, servers }));
  host = await startHostProcess({
    CORTEX_HOME: home.dir,
    MCP_TOOL_CALL_TIMEOUT_MS: '20000',
    // Upstream log messages no client may see, and the stdio child's stderr, go to the host's log at debug.
    MCP_LOG_LEVEL: 'debug',
  });
  [capable, bare] = await Promise.all([
    connectHttp(`${host.baseUrl}/mcp`, answering(seenCapable)),
    connectHttp(`${host.baseUrl}/mcp`, listening(seenBare)),
  ]);
  const [remoteDirect, localDirect] = await Promise.all([
    connectHttp(everything.url, answering(directSeen('remote'))),
    connectStdioServer(stdio.command, stdio.args, answering(directSeen('local'))),
  ]);
  direct.set('remote', remoteDirect).set('local', localDirect);
  const expected = await Promise.all(UPSTREAMS.map(async (id) => (await directTools(id)).length));
  await waitFor(
    'both upstreams listed by the host',
    async () => {
      const { tools } = await capable.client.listTools();
      return UPSTREAMS.every((id, index) => toolsOf(tools, id).length === expected[index]);
    },
    { timeoutMs: 30_000 },
  );
  // The stdio child's own roots/list after initialize, refused while no call runs (see the top of the file).
  await waitFor(
    'the host to refuse local’s first roots/list',
    () => refusedUnrelated('local', 'roots/list').length > 0,
  );
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([capable?.close(), bare?.close(), ...[...direct.values()].map((c) => c.close())]);
  await host?.stop();
  await everything?.stop();
  await home?.remove();
});

async function directTools(id: UpstreamId): Promise<Tool[]> {
  return (await directClient(id).listTools()).tools;
}

/** The tools of connector `id` among `tools`, under their upstream names, in name order. */
function toolsOf(tools: Tool[], id: UpstreamId): Tool[] {
  const prefix = `${id}.`;
  return tools
    .filter((tool) => tool.name.startsWith(prefix))
    .map((tool) => ({ ...tool, name: tool.name.slice(prefix.length) }))
    .sort(byName);
}

const byName = (a: Tool, b: Tool) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function textOf(result: unknown): string {
  return ((result as CallToolResult).content[0] as { text: string }).text;
}

describe('the host lists what a direct client declaring every feature gets', () => {
  for (const id of UPSTREAMS) {
    it(`${id}: the same tools, the sampling, elicitation and roots tools among them, to every client`, async () => {
      const upstream = (await directTools(id)).sort(byName);
      expect(upstream.map((tool) => tool.name)).toEqual(expect.arrayContaining(FEATURE_TOOL_NAMES));
      // The host drops `execution`: it offers no task-augmented calls (src/server/mcp/tool-listing.ts).
      const expected = upstream.map(({ execution: _dropped, ...tool }) => tool);
      for (const client of [capable, bare]) {
        const listed = toolsOf((await client.client.listTools()).tools, id);
        expect(listed.map((tool) => tool.name)).toEqual(expected.map((tool) => tool.name));
        expect(listed.map((tool) => tool.inputSchema)).toEqual(expected.map((tool) => tool.inputSchema));
        expect(listed).toEqual(expected);
      }
    });
  }
});

describe('a client that declares no feature', () => {
  for (const id of UPSTREAMS) {
    for (const tool of RELATED_TOOL_NAMES) {
      const { arguments: args, refusal } = FEATURE_TOOLS[tool];
      it(`${id}.${tool} answers with an error naming the ${refusal.capability} capability`, async () => {
        const result = await bare.client.callTool({ name: `${id}.${tool}`, arguments: args });
        // One "MCP error -32601: ", put in by server-everything's SDK when it received the host's refusal.
        expect(result).toEqual({
          isError: true,
          content: [
            {
              type: 'text',
              text: `MCP error -32601: The client of this call did not declare the ${refusal.capability} capability, so the host cannot relay connector "${id}"'s ${refusal.method} to it.`,
            },
          ],
        });
      });
    }
  }

  it('local.get-roots-list: the upstream hears the refusal naming roots, and answers that it has no roots', async () => {
    // server-everything catches a failed roots/list, prints it on its stderr (the host logs a stdio child's stderr
    // at debug) and answers as for a client without roots.
    expect(textOf(await bare.client.callTool({ name: 'local.get-roots-list', arguments: {} }))).toMatch(
      NO_ROOTS,
    );
    await waitFor('the refusal in local’s stderr', () =>
      logLines(host.stderr()).some(
        (line) =>
          line.connectorId === 'local' &&
          line.msg === 'upstream stderr' &&
          String(line.stderr).includes(
            'MCP error -32601: The client of this call did not declare the roots capability',
          ),
      ),
    );
  });

  it('the host stays up: another tool of each upstream answers as it does directly', async () => {
    for (const id of UPSTREAMS) {
      const call = { name: 'get-sum', arguments: { a: 5, b: 7 } };
      expect(await bare.client.callTool({ ...call, name: `${id}.get-sum` })).toEqual(
        await directClient(id).callTool(call),
      );
    }
  });

  it('nothing of these calls reached the other client', () => {
    expect(asked(seenCapable)).toEqual({ sampling: 0, elicitation: 0, roots: 0 });
    expect(seenCapable.logs).toEqual([]);
  });
});

describe('a client with handlers', () => {
  /** Calls `tool` directly and through the host; what the host client's handlers were asked meanwhile. */
  async function bothWays(id: UpstreamId, tool: FeatureTool) {
    const { arguments: args } = FEATURE_TOOLS[tool];
    const directResult = await directClient(id).callTool({ name: tool, arguments: args });
    const before = asked(seenCapable);
    const viaHost = await capable.client.callTool({ name: `${id}.${tool}`, arguments: args });
    const after = asked(seenCapable);
    const delta = {
      sampling: after.sampling - before.sampling,
      elicitation: after.elicitation - before.elicitation,
      roots: after.roots - before.roots,
    };
    return { directResult, viaHost, delta };
  }

  for (const id of UPSTREAMS) {
    for (const tool of RELATED_TOOL_NAMES) {
      const { handler } = FEATURE_TOOLS[tool];
      it(`${id}.${tool} answers as it does directly, its ${handler} request answered by the caller`, async () => {
        const { directResult, viaHost, delta } = await bothWays(id, tool);
        expect(viaHost).toEqual(directResult);
        expect(delta).toEqual({ sampling: 0, elicitation: 0, roots: 0, [handler]: 1 });
        // The upstream's request reached the client as it reaches a direct client.
        expect(seenCapable[handler].at(-1)).toEqual(directSeen(id)[handler].at(-1));
      });
    }
  }

  it('local.get-roots-list answers as it does directly, and its log message reaches the caller only', async () => {
    const { directResult, viaHost, delta } = await bothWays('local', 'get-roots-list');
    expect(viaHost).toEqual(directResult);
    expect(textOf(viaHost)).toContain('URI: file:///work/project');
    expect(delta).toEqual({ sampling: 0, elicitation: 0, roots: 1 });
    // server-everything logs the roots it received while it serves the call.
    expect(seenCapable.logs).toContainEqual({
      level: 'info',
      logger: 'local/everything-server',
      data: 'Roots updated: 2 root(s) received from client',
    });
    expect(seenBare.logs).toEqual([]);
  });

  // Over Streamable HTTP, server-everything sends get-roots-list's roots/list with `server.listRoots()`, which names
  // no request, so it travels on the standalone GET stream. The connector proxy gives a roots/list there to the one
  // call in flight (packages/connector-proxy/README.md, rule 4), so it reaches the calling client.
  it('remote.get-roots-list answers as it does directly', async () => {
    const refusedBefore = refusedUnrelated('remote', 'roots/list').length;
    const { directResult, viaHost, delta } = await bothWays('remote', 'get-roots-list');
    expect(refusedUnrelated('remote', 'roots/list').length).toBe(refusedBefore);
    expect(viaHost).toEqual(directResult);
    expect(delta).toEqual({ sampling: 0, elicitation: 0, roots: 1 });
  });
});

describe('log messages that belong to no request', () => {
  it('go to the host’s own log, never to a client (server-everything’s simulated logging)', async () => {
    const simulated = (line: { connectorId?: unknown; msg: string; data?: unknown }) =>
      line.connectorId === 'remote' &&
      line.msg === 'upstream log message' &&
      /-level message/i.test(String(line.data));
    // The first message is sent at once, the next ones every 5 s, none of them with the call.
    await capable.client.callTool({ name: 'remote.toggle-simulated-logging', arguments: {} });
    try {
      await waitFor(
        'two simulated log messages in the host’s log',
        () => logLines(host.stderr()).filter(simulated).length >= 2,
        { timeoutMs: 20_000 },
      );
    } finally {
      await capable.client.callTool({ name: 'remote.toggle-simulated-logging', arguments: {} });
    }
    for (const record of [seenCapable, seenBare]) {
      expect(record.logs.filter((log) => /-level message/i.test(String(log.data)))).toEqual([]);
    }
  });
});
