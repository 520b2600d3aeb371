import { describe, expect, it } from 'vitest';
import {
  type ConnectorCatalogueInput,
  type NamePrefixMode,
  ToolRegistryError,
  VersionedToolRegistry,
} from '../src/index.js';
import {
  recordEvents,
  recordingLogger,
  upstreamPrompt,
  upstreamResource,
  upstreamTemplate,
  upstreamTool,
} from './fixtures.js';

/** One of each kind, all with the same upstream names and URIs, so two connectors collide in every kind. */
function shared(extra: ConnectorCatalogueInput = {}): ConnectorCatalogueInput {
  return {
    tools: [upstreamTool('search'), ...(extra.tools ?? [])],
    resources: [upstreamResource('file:///readme.md'), ...(extra.resources ?? [])],
    resourceTemplates: [upstreamTemplate('file:///{path}'), ...(extra.resourceTemplates ?? [])],
    prompts: [upstreamPrompt('summarise'), ...(extra.prompts ?? [])],
  };
}

function publicNames(registry: VersionedToolRegistry) {
  return {
    tools: registry.listTools().map((item) => item.name),
    resources: registry.listResources().map((item) => item.uri),
    resourceTemplates: registry.listResourceTemplates().map((item) => item.uriTemplate),
    prompts: registry.listPrompts().map((item) => item.name),
  };
}

function registry(prefix: NamePrefixMode, options = {}) {
  const logger = recordingLogger();
  return { logger, registry: new VersionedToolRegistry({ logger, prefix, ...options }) };
}

describe("prefix: 'always' (the default)", () => {
  it('prefixes every kind: ns.name for tools and prompts, ns+uri for resources and templates', () => {
    const { registry: always } = registry('always');
    always.replaceConnectorCatalogue('notes', shared());
    expect(publicNames(always)).toEqual({
      tools: ['notes.search'],
      resources: ['notes+file:///readme.md'],
      resourceTemplates: ['notes+file:///{path}'],
      prompts: ['notes.summarise'],
    });
    expect(publicNames(new VersionedToolRegistry())).toEqual(publicNames(registry('always').registry));
  });

  it('rejects an unknown mode with invalid_options', () => {
    const call = () => new VersionedToolRegistry({ prefix: 'sometimes' as NamePrefixMode });
    expect(call).toThrow(ToolRegistryError);
    expect(call).toThrow(
      expect.objectContaining({ code: 'invalid_options', message: expect.stringContaining('prefix') }),
    );
  });
});

describe("prefix: 'never'", () => {
  it('publishes upstream names and URIs as they are; on a clash the first owner keeps it and the other is warned about', () => {
    const { registry: never } = registry('never');
    never.replaceConnectorCatalogue('notes', shared());
    const result = never.replaceConnectorCatalogue('docs', shared({ prompts: [upstreamPrompt('ask')] }));
    expect(publicNames(never)).toEqual({
      tools: ['search'],
      resources: ['file:///readme.md'],
      resourceTemplates: ['file:///{path}'],
      prompts: ['summarise', 'ask'],
    });
    expect(result.warnings.map((warning) => [warning.kind, warning.code, warning.otherConnectorId])).toEqual([
      ['tools', 'name_collision_across_connectors', 'notes'],
      ['resources', 'uri_collision_across_connectors', 'notes'],
      ['resourceTemplates', 'uri_collision_across_connectors', 'notes'],
      ['prompts', 'name_collision_across_connectors', 'notes'],
    ]);
    expect(never.listResources()[0]?.metadata.connectorId).toBe('notes');
  });
});

describe("prefix: 'conditional'", () => {
  it('keeps names bare while only one connector claims them', () => {
    const { registry: conditional } = registry('conditional');
    conditional.replaceConnectorCatalogue('notes', shared());
    conditional.replaceConnectorCatalogue('docs', {
      tools: [upstreamTool('fetch')],
      prompts: [upstreamPrompt('ask')],
    });
    expect(publicNames(conditional)).toEqual({
      tools: ['search', 'fetch'],
      resources: ['file:///readme.md'],
      resourceTemplates: ['file:///{path}'],
      prompts: ['summarise', 'ask'],
    });
  });

  it('prefixes every claimant once a second connector claims a name, in the same single bump', () => {
    const { registry: conditional, logger } = registry('conditional');
    conditional.replaceConnectorCatalogue('notes', shared({ tools: [upstreamTool('only_notes')] }));
    const events = recordEvents(conditional);
    const result = conditional.replaceConnectorCatalogue('docs', shared());
    expect(publicNames(conditional)).toEqual({
      tools: ['notes.search', 'only_notes', 'docs.search'],
      resources: ['notes+file:///readme.md', 'docs+file:///readme.md'],
      resourceTemplates: ['notes+file:///{path}', 'docs+file:///{path}'],
      prompts: ['notes.summarise', 'docs.summarise'],
    });
    expect(result.version).toBe(2);
    expect(result.kinds).toEqual(['tools', 'resources', 'resourceTemplates', 'prompts']);
    expect(result.changes.tools).toEqual({
      added: ['notes.search', 'docs.search'],
      removed: ['search'],
      changed: [],
    });
    expect(result.changes.resources).toEqual({
      added: ['notes+file:///readme.md', 'docs+file:///readme.md'],
      removed: ['file:///readme.md'],
      changed: [],
    });
    expect(events).toHaveLength(1);
    expect(result.warnings).toEqual([]);
    expect(logger.lines).toEqual([]);
  });

  it('switches the remaining claimant back to bare when the other connector leaves or drops the name', () => {
    const { registry: conditional } = registry('conditional');
    conditional.replaceConnectorCatalogue('notes', shared());
    conditional.replaceConnectorCatalogue('docs', shared());
    conditional.removeConnector('docs');
    expect(publicNames(conditional)).toEqual(publicNames(withOnly('notes')));
    expect(conditional.version).toBe(3);
    conditional.replaceConnectorCatalogue('docs', shared());
    const events = recordEvents(conditional);
    conditional.replaceConnectorCatalogue('docs', { resources: [] });
    expect(conditional.listResources().map((resource) => resource.uri)).toEqual(['file:///readme.md']);
    expect(events.map((event) => [event.kinds, event.changes.resources])).toEqual([
      [
        ['resources'],
        {
          added: ['file:///readme.md'],
          removed: ['notes+file:///readme.md', 'docs+file:///readme.md'],
          changed: [],
        },
      ],
    ]);
  });

  it('gives the same names whatever order the connectors register in', () => {
    const ids = ['alpha', 'beta', 'gamma'];
    const catalogues: Record<string, ConnectorCatalogueInput> = {
      alpha: shared({ tools: [upstreamTool('a_only')] }),
      beta: { tools: [upstreamTool('search'), upstreamTool('fetch')], prompts: [upstreamPrompt('b_only')] },
      gamma: { tools: [upstreamTool('fetch')], resources: [upstreamResource('file:///readme.md')] },
    };
    const named = (order: string[]) => {
      const { registry: conditional } = registry('conditional');
      for (const id of order) conditional.replaceConnectorCatalogue(id, catalogues[id] ?? {});
      return ids.map((id) => {
        const catalogue = conditional.getConnectorCatalogue(id);
        return [...catalogue.tools, ...catalogue.prompts]
          .map((item) => item.name)
          .concat(catalogue.resources.map((item) => item.uri));
      });
    };
    const expected = named(ids);
    expect(expected).toEqual([
      ['alpha.search', 'a_only', 'summarise', 'alpha+file:///readme.md'],
      ['beta.search', 'beta.fetch', 'b_only'],
      ['gamma.fetch', 'gamma+file:///readme.md'],
    ]);
    expect(named(['gamma', 'beta', 'alpha'])).toEqual(expected);
    expect(named(['beta', 'alpha', 'gamma'])).toEqual(expected);
  });

  it("never prefixes a connector whose namespace is '': the other claimant is prefixed, two bare ones keep the first owner", () => {
    const { registry: conditional } = registry('conditional', { namespaces: { solo: '', other: '' } });
    conditional.replaceConnectorCatalogue('solo', shared());
    conditional.replaceConnectorCatalogue('notes', shared());
    expect(publicNames(conditional).tools).toEqual(['search', 'notes.search']);
    expect(publicNames(conditional).resources).toEqual(['file:///readme.md', 'notes+file:///readme.md']);
    expect(conditional.uriPrefixOf('solo')).toBeUndefined();
    const result = conditional.replaceConnectorCatalogue('other', shared());
    expect(result.warnings.map((warning) => warning.otherConnectorId)).toEqual([
      'solo',
      'solo',
      'solo',
      'solo',
    ]);
    expect(conditional.getConnectorCatalogue('other').tools).toEqual([]);
  });

  it('stays correct for 200 connectors of 200 items each, half of them shared by all', () => {
    const { registry: conditional } = registry('conditional');
    const catalogue = (id: number): ConnectorCatalogueInput => ({
      tools: Array.from({ length: 200 }, (_, index) =>
        upstreamTool(index < 100 ? `shared${index}` : `own${id}_${index}`),
      ),
      resources: Array.from({ length: 200 }, (_, index) =>
        upstreamResource(index < 100 ? `file:///shared/${index}` : `file:///c${id}/${index}`),
      ),
    });
    for (let id = 0; id < 200; id += 1) conditional.replaceConnectorCatalogue(`c${id}`, catalogue(id));
    expect(conditional.version).toBe(200);
    expect(conditional.listTools()).toHaveLength(200 * 200);
    expect(conditional.listResources()).toHaveLength(200 * 200);
    const c7 = conditional.getConnectorCatalogue('c7');
    expect(c7.tools[0]?.name).toBe('c7.shared0');
    expect(c7.tools[150]?.name).toBe('own7_150');
    expect(c7.resources[0]?.uri).toBe('c7+file:///shared/0');
    expect(c7.resources[150]?.uri).toBe('file:///c7/150');
    for (let id = 1; id < 200; id += 1) conditional.removeConnector(`c${id}`);
    expect(conditional.getConnectorCatalogue('c0').tools[0]?.name).toBe('shared0');
    expect(conditional.listResources()[0]?.uri).toBe('file:///shared/0');
    expect(conditional.version).toBe(399);
  });
});

function withOnly(id: string): VersionedToolRegistry {
  const { registry: conditional } = registry('conditional');
  conditional.replaceConnectorCatalogue(id, shared());
  return conditional;
}

describe("the host's own tools under prefix: 'conditional'", () => {
  it('keep their registered name and make an upstream tool of the same name go prefixed, until they leave', () => {
    const { registry: conditional } = registry('conditional');
    conditional.replaceConnectorCatalogue('notes', {
      tools: [upstreamTool('status'), upstreamTool('search')],
    });
    const host = {
      inputSchema: { type: 'object' as const },
      handler: async () => 'ok',
      metadata: { connectorId: 'host' },
    };
    expect(() => conditional.registerTool({ ...host, name: 'status' })).toThrow(
      expect.objectContaining({ code: 'name_collision' }),
    );
    conditional.registerTool({ ...host, name: 'help' });
    conditional.replaceConnectorCatalogue('notes', { tools: [upstreamTool('status'), upstreamTool('help')] });
    expect(publicNames(conditional).tools).toEqual(['status', 'notes.help', 'help']);
    conditional.unregisterTool('help');
    expect(publicNames(conditional).tools).toEqual(['status', 'help']);
    expect(conditional.getTool('help')?.metadata.connectorId).toBe('notes');
  });
});
