// Issue 16, "Registry file live": a running host watches its registry file. `mcp-host servers add` (the real CLI,
// which writes servers.json atomically: temp file + rename) makes the server's tools appear in tools/list with
// notifications/tools/list_changed, and `mcp-host servers remove` makes them go, each within 2 s, over Streamable
// HTTP and over stdio. No restart, no refresh.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { runCli } from '../commands/cli-process.js';
import { connectHttp, connectStdio, type E2eClient, type E2eStdioClient } from './helpers/clients.js';
import { fetchStatus, logLines, tempCortexHome } from './helpers/host-observation.js';
import { type HostProcess, startHostProcess } from './helpers/host-process.js';
import { waitFor } from './helpers/wait.js';

/** The bound of the issue: an edit is served within this long. */
const LIVE_WITHIN_MS = 2_000;

let notes: DemoConnector;
const homes: Array<{ dir: string; remove: () => Promise<void> }> = [];

beforeAll(async () => {
  notes = await startDemoConnector({ name: 'notes' });
});

afterAll(async () => {
  await notes?.close();
  await Promise.all(homes.map((home) => home.remove()));
});

async function newHome(): Promise<string> {
  const home = await tempCortexHome();
  homes.push(home);
  return home.dir;
}

async function toolNames(client: E2eClient): Promise<string[]> {
  const { tools } = await client.client.listTools();
  return tools.map((tool) => tool.name).sort();
}

/** Runs `mcp-host servers …` against the registry file of the host whose CORTEX_HOME is `home`. */
async function servers(home: string, ...args: string[]): Promise<void> {
  const result = await runCli(['servers', ...args], { env: { CORTEX_HOME: home } });
  expect(result.code, result.stderr).toBe(0);
}

/** `servers add`, then `servers remove`, each followed by list_changed and the new tools/list within the bound. */
async function addThenRemove(client: E2eClient, home: string): Promise<void> {
  expect(await toolNames(client)).toEqual([]);

  let notified = client.listChanged();
  await servers(home, 'add', 'notes', '--url', notes.streamableUrl);
  await waitFor(
    'tools/list_changed and notes.echo in tools/list after servers add',
    async () => client.listChanged() > notified && (await toolNames(client)).includes('notes.echo'),
    { timeoutMs: LIVE_WITHIN_MS },
  );
  expect(await client.client.callTool({ name: 'notes.echo', arguments: { text: 'live' } })).toEqual({
    content: [{ type: 'text', text: 'notes: live' }],
  });

  notified = client.listChanged();
  await servers(home, 'remove', 'notes');
  await waitFor(
    'tools/list_changed and an empty tools/list after servers remove',
    async () => client.listChanged() > notified && (await toolNames(client)).length === 0,
    { timeoutMs: LIVE_WITHIN_MS },
  );
}

describe('the registry file is live', () => {
  describe('over Streamable HTTP', () => {
    let home: string;
    let host: HostProcess;
    let client: E2eClient;

    beforeAll(async () => {
      home = await newHome();
      host = await startHostProcess({ CORTEX_HOME: home });
      // The watch starts before the first sync: once that sync is recorded, an edit is seen.
      await waitFor('the first sync', async () => (await fetchStatus(host.baseUrl)).lastSync !== undefined);
      client = await connectHttp(`${host.baseUrl}/mcp`);
    });

    afterAll(async () => {
      await client?.close();
      await host?.stop();
    });

    it('servers add serves the tools and notifies within 2 s; servers remove withdraws them the same way', async () => {
      await addThenRemove(client, home);
      // One sync per edit, through the one sync path (its summary is recorded once the sync has saved its state).
      const syncs = await waitFor("the second edit's sync summary", async () => {
        const reasons = (await fetchStatus(host.baseUrl)).recentSyncs?.map((sync) => sync.reason) ?? [];
        return reasons.length >= 3 ? reasons : undefined;
      });
      expect(syncs).toEqual(['start', 'registry-file', 'registry-file']);
    });
  });

  describe('over stdio', () => {
    let home: string;
    let client: E2eStdioClient;

    beforeAll(async () => {
      home = await newHome();
      client = await connectStdio({ CORTEX_HOME: home });
      await waitFor('the first sync', () =>
        logLines(client.stderr()).some((line) => line.msg === 'connector sync finished'),
      );
    });

    afterAll(async () => {
      await client?.close();
    });

    it('servers add serves the tools and notifies within 2 s; servers remove withdraws them the same way', async () => {
      await addThenRemove(client, home);
    });
  });
});
