import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorProxyError, RemoteToolProxy } from '../src/index.js';
import {
  ALL_CAPABILITIES,
  type CatalogueServerOptions,
  createCatalogueServer,
  INSTRUCTIONS,
  newSeen,
  onePageEach,
} from './helpers/catalogue-server.js';
import { type HttpFixtureServer, startHttpFixture } from './helpers/http-fixture-server.js';

let fixture: HttpFixtureServer | undefined;
let proxy: RemoteToolProxy | undefined;

afterEach(async () => {
  await proxy?.disconnect();
  await fixture?.close();
  proxy = undefined;
  fixture = undefined;
});

type Setup = Partial<CatalogueServerOptions> & { transport?: 'streamable-http' | 'sse' };

async function connectTo(setup: Setup = {}) {
  const options = { pages: onePageEach(), seen: newSeen(), ...setup };
  fixture = await startHttpFixture(() => createCatalogueServer(options));
  const url = setup.transport === 'sse' ? fixture.sseUrl : fixture.streamableUrl;
  proxy = new RemoteToolProxy({ id: 'catalogue', transport: setup.transport ?? 'streamable-http', url });
  await proxy.connect();
  return { proxy, seen: options.seen, pages: options.pages };
}

describe.each(['streamable-http', 'sse'] as const)('getCatalogue over %s', (transport) => {
  it('lists tools, resources, resource templates and prompts, and remembers them', async () => {
    const { proxy, pages } = await connectTo({ transport });
    expect(proxy.catalogue).toBeUndefined();
    const catalogue = await proxy.getCatalogue();
    expect(catalogue).toEqual({
      tools: pages.tools[0],
      resources: pages.resources[0],
      resourceTemplates: pages.resourceTemplates[0],
      prompts: pages.prompts[0],
    });
    expect(proxy.catalogue).toEqual(catalogue);
    expect(proxy.tools).toEqual(pages.tools[0]);
  });

  it("knows the live session's capabilities and instructions", async () => {
    const { proxy } = await connectTo({ transport });
    expect(proxy.capabilities).toEqual(ALL_CAPABILITIES);
    expect(proxy.instructions).toBe(INSTRUCTIONS);
    await proxy.disconnect();
    expect(proxy.capabilities).toBeUndefined();
    expect(proxy.instructions).toBeUndefined();
  });
});

describe('getCatalogue with kinds missing', () => {
  it('answers [] for a kind the upstream does not advertise, without asking for it', async () => {
    const { proxy, seen, pages } = await connectTo({ capabilities: { tools: {} } });
    const catalogue = await proxy.getCatalogue();
    expect(catalogue).toEqual({ tools: pages.tools[0], resources: [], resourceTemplates: [], prompts: [] });
    expect(seen.methods.filter((method) => method.endsWith('/list'))).toEqual(['tools/list']);
  });

  it('answers [] for an advertised kind whose list the upstream answers with -32601', async () => {
    const { proxy, seen, pages } = await connectTo({
      unanswered: ['resources/templates/list', 'prompts/list'],
    });
    const catalogue = await proxy.getCatalogue();
    expect(catalogue.resourceTemplates).toEqual([]);
    expect(catalogue.prompts).toEqual([]);
    expect(catalogue.resources).toEqual(pages.resources[0]);
    expect(seen.methods).toContain('prompts/list');
    expect(proxy.state).toBe('up');
  });
});

describe('getCatalogue pagination', () => {
  it('follows nextCursor for resources, resource templates and prompts', async () => {
    const pages = onePageEach();
    pages.resources = [[{ uri: 'fixture://a', name: 'a' }], [{ uri: 'fixture://b', name: 'b' }]];
    pages.resourceTemplates = [
      [{ uriTemplate: 'fixture://a/{x}', name: 'a' }],
      [],
      [{ uriTemplate: 'fixture://c/{x}', name: 'c' }],
    ];
    pages.prompts = [[{ name: 'p1' }], [{ name: 'p2' }, { name: 'p3' }]];
    const { proxy, seen } = await connectTo({ pages });
    const catalogue = await proxy.getCatalogue();
    expect(catalogue.resources.map((r) => r.uri)).toEqual(['fixture://a', 'fixture://b']);
    expect(catalogue.resourceTemplates.map((t) => t.name)).toEqual(['a', 'c']);
    expect(catalogue.prompts.map((p) => p.name)).toEqual(['p1', 'p2', 'p3']);
    const count = (method: string) => seen.methods.filter((m) => m === method).length;
    expect([count('resources/list'), count('resources/templates/list'), count('prompts/list')]).toEqual([
      2, 3, 2,
    ]);
  });

  it.each([
    ['resources/list', 'resource'],
    ['resources/templates/list', 'resource template'],
    ['prompts/list', 'prompt'],
  ])('fails with protocol when the upstream repeats a %s cursor', async (method, noun) => {
    const others = ['tools/list', 'resources/list', 'resources/templates/list', 'prompts/list'].filter(
      (m) => m !== method,
    );
    const { proxy } = await connectTo({ repeatCursor: 'page-1', unanswered: others });
    const error = await proxy.getCatalogue().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorProxyError);
    expect((error as ConnectorProxyError).code).toBe('protocol');
    expect((error as Error).message).toContain(`broken ${noun} list`);
    expect((error as Error).message).toContain(`repeated a ${method} cursor`);
    expect(proxy.state).toBe('up');
  });
});

describe('catalogue items pass through unchanged', () => {
  it('keeps icons, annotations, _meta and members MCP does not define', async () => {
    const pages = onePageEach();
    const resource = {
      uri: 'fixture://rich',
      name: 'rich',
      icons: [{ src: 'https://example.com/i.png', mimeType: 'image/png', 'x-icon-extra': 1 }],
      annotations: { audience: ['user' as const], 'x-annotation-extra': 'kept' },
      _meta: { 'fixture/meta': { deep: true } },
      'x-unknown': 'kept',
    };
    pages.resources = [[resource]];
    const prompt = { name: 'p', arguments: [{ name: 'a', 'x-arg-extra': true }], 'x-prompt-extra': 2 };
    pages.prompts = [[prompt]];
    const { proxy } = await connectTo({ pages });
    const catalogue = await proxy.getCatalogue();
    expect(catalogue.resources).toEqual([resource]);
    expect(catalogue.prompts).toEqual([prompt]);
  });
});
