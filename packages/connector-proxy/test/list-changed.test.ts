import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type CatalogueKind, RemoteToolProxy } from '../src/index.js';
import {
  type CataloguePages,
  createCatalogueServer,
  newSeen,
  onePageEach,
  type UpstreamSeen,
} from './helpers/catalogue-server.js';
import { type HttpFixtureServer, startHttpFixture } from './helpers/http-fixture-server.js';
import { waitUntil } from './helpers/wait.js';

let fixture: HttpFixtureServer | undefined;
let proxy: RemoteToolProxy | undefined;

afterEach(async () => {
  await proxy?.disconnect();
  await fixture?.close();
  proxy = undefined;
  fixture = undefined;
});

function startUpstream(pages: CataloguePages, seen: UpstreamSeen, port = 0) {
  return startHttpFixture(() => createCatalogueServer({ pages, seen }), { port });
}

/** Connects a proxy that records every onCatalogueChanged and onToolsChanged, and lists the catalogue once. */
async function connectRecording(upstream: HttpFixtureServer) {
  const changes: Array<[CatalogueKind, unknown[]]> = [];
  const toolChanges: Tool[][] = [];
  const availability: boolean[] = [];
  proxy = new RemoteToolProxy({
    id: 'changing',
    url: upstream.streamableUrl,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100, factor: 2 },
    onCatalogueChanged: (kind, items) => changes.push([kind, items]),
    onToolsChanged: (tools) => toolChanges.push(tools),
    onAvailabilityChange: (up) => availability.push(up),
  });
  await proxy.connect();
  await proxy.getCatalogue();
  // Notifications that belong to no request travel on the standalone GET stream: wait until it is open.
  await waitUntil(() => upstream.requests.some((r) => r.method === 'GET'), 5_000, 'standalone stream');
  return { proxy, changes, toolChanges, availability };
}

const count = (seen: UpstreamSeen, method: string) => seen.methods.filter((m) => m === method).length;

describe('upstream list_changed', () => {
  it('re-lists resources and templates on resources/list_changed, reporting only a list that differs', async () => {
    const pages = onePageEach();
    const seen = newSeen();
    fixture = await startUpstream(pages, seen);
    const { proxy, changes } = await connectRecording(fixture);
    const server = fixture.servers.at(-1) as Server;

    // Unchanged: the proxy re-lists both kinds and reports nothing.
    const listsBefore = count(seen, 'resources/list');
    await server.sendResourceListChanged();
    await waitUntil(() => count(seen, 'resources/templates/list') === 2, 5_000, 're-list of templates');
    await waitUntil(() => count(seen, 'resources/list') === listsBefore + 1, 5_000, 're-list of resources');

    const before = pages.resources[0] ?? [];
    const added = { uri: 'fixture://added', name: 'added' };
    pages.resources[0] = [...before, added];
    await server.sendResourceListChanged();
    await waitUntil(() => changes.length > 0, 5_000, 'onCatalogueChanged');
    expect(changes).toEqual([['resources', [...before, added]]]);
    expect(proxy.catalogue?.resources).toContainEqual(added);
  });

  it('re-lists prompts on prompts/list_changed and reports the new list once', async () => {
    const pages = onePageEach();
    fixture = await startUpstream(pages, newSeen());
    const { proxy, changes, toolChanges } = await connectRecording(fixture);
    const server = fixture.servers.at(-1) as Server;

    pages.prompts[0] = [{ name: 'farewell' }];
    await server.sendPromptListChanged();
    await waitUntil(() => changes.length > 0, 5_000, 'onCatalogueChanged');
    expect(changes).toEqual([['prompts', [{ name: 'farewell' }]]]);
    expect(proxy.catalogue?.prompts).toEqual([{ name: 'farewell' }]);
    expect(toolChanges).toEqual([]);
  });

  it('reports tools through onCatalogueChanged and onToolsChanged alike', async () => {
    const pages = onePageEach();
    fixture = await startUpstream(pages, newSeen());
    const { changes, toolChanges } = await connectRecording(fixture);
    const server = fixture.servers.at(-1) as Server;

    const tools = [{ name: 'new-tool', inputSchema: { type: 'object' as const } }];
    pages.tools[0] = tools;
    await server.sendToolListChanged();
    await waitUntil(() => toolChanges.length > 0 && changes.length > 0, 5_000, 'both callbacks');
    expect(toolChanges).toEqual([tools]);
    expect(changes).toEqual([['tools', tools]]);
  });
});

describe('after a reconnect', () => {
  it('re-lists every kind and reports the lists that differ', async () => {
    const pages = onePageEach();
    fixture = await startUpstream(pages, newSeen());
    const { proxy, changes, availability } = await connectRecording(fixture);
    const { port } = fixture;
    await fixture.close();
    await waitUntil(() => availability.length === 2, 10_000, 'availability down');

    const restarted = onePageEach();
    restarted.resourceTemplates = [[{ uriTemplate: 'fixture://new/{id}', name: 'new' }]];
    restarted.prompts = [[]];
    fixture = await startUpstream(restarted, newSeen(), port);
    await waitUntil(() => changes.length === 2, 10_000, 'two lists reported');
    expect(new Map(changes)).toEqual(
      new Map<CatalogueKind, unknown[]>([
        ['resourceTemplates', [{ uriTemplate: 'fixture://new/{id}', name: 'new' }]],
        ['prompts', []],
      ]),
    );
    expect(proxy.catalogue).toEqual({
      tools: restarted.tools[0],
      resources: restarted.resources[0],
      resourceTemplates: restarted.resourceTemplates[0],
      prompts: [],
    });
  });
});
