import { describe, expect, it } from 'vitest';
import { type ConnectorCatalogueInput, isValidMcpToolName, VersionedToolRegistry } from '../src/index.js';
import {
  recordEvents,
  recordingLogger,
  upstreamPrompt,
  upstreamResource,
  upstreamTemplate,
  upstreamTool,
} from './fixtures.js';

const EMPTY = { added: [], removed: [], changed: [] };

function notesCatalogue(description = 'A'): ConnectorCatalogueInput {
  return {
    tools: [upstreamTool('search', { description })],
    resources: [upstreamResource('file:///a.txt', { description })],
    resourceTemplates: [upstreamTemplate('file:///{path}', { description })],
    prompts: [upstreamPrompt('summarise', { description })],
  };
}

describe('replaceConnectorCatalogue', () => {
  it('publishes every kind in one step: one bump and one event listing the kinds that changed', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const events = recordEvents(registry);
    const result = registry.replaceConnectorCatalogue('notes', notesCatalogue());
    const changes = {
      tools: { ...EMPTY, added: ['notes.search'] },
      resources: { ...EMPTY, added: ['notes+file:///a.txt'] },
      resourceTemplates: { ...EMPTY, added: ['notes+file:///{path}'] },
      prompts: { ...EMPTY, added: ['notes.summarise'] },
    };
    const kinds = ['tools', 'resources', 'resourceTemplates', 'prompts'];
    expect(result).toEqual({ version: 1, kinds, changes, warnings: [] });
    expect(events).toEqual([{ version: 1, ...changes.tools, kinds, changes }]);
    expect(registry.getPrompt('notes.summarise')?.metadata).toMatchObject({
      connectorId: 'notes',
      originalName: 'summarise',
      namespace: 'notes',
    });
    expect(registry.listResources()[0]?.metadata.originalUri).toBe('file:///a.txt');
    expect(registry.listResourceTemplates()[0]?.metadata.originalUriTemplate).toBe('file:///{path}');
  });

  it('lists only the kinds that changed, and keeps the top-level tools change empty without tools', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorCatalogue('notes', notesCatalogue());
    const events = recordEvents(registry);
    const result = registry.replaceConnectorCatalogue('notes', {
      ...notesCatalogue(),
      prompts: [upstreamPrompt('summarise', { description: 'B' })],
    });
    expect(result.kinds).toEqual(['prompts']);
    expect(result.changes.prompts).toEqual({ ...EMPTY, changed: ['notes.summarise'] });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ version: 2, kinds: ['prompts'], ...EMPTY });
  });

  it('keeps a kind left out of the call, and replaces a kind given as []', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorCatalogue('notes', notesCatalogue());
    const tools = registry.listTools();
    const result = registry.replaceConnectorCatalogue('notes', { resources: [] });
    expect(result.kinds).toEqual(['resources']);
    expect(registry.listTools()).toBe(tools);
    expect(registry.listResources()).toEqual([]);
    expect(registry.getConnectorCatalogue('notes').prompts.map((prompt) => prompt.name)).toEqual([
      'notes.summarise',
    ]);
  });

  it('treats an identical re-list of every kind as a no-op: no bump, no event, the same snapshots', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const { tools = [], ...rest } = notesCatalogue();
    registry.replaceConnectorCatalogue('notes', { tools, ...rest });
    const snapshots = () => [
      registry.listTools(),
      registry.listResources(),
      registry.listResourceTemplates(),
      registry.listPrompts(),
    ];
    const before = snapshots();
    const events = recordEvents(registry);
    // Fresh copies, as a periodic re-list brings them (handlers kept: handler-only changes are tested elsewhere).
    const relisted = { tools: tools.map((tool) => ({ ...tool })), ...structuredClone(rest) };
    expect(registry.replaceConnectorCatalogue('notes', relisted)).toMatchObject({ version: 1, kinds: [] });
    expect(events).toEqual([]);
    snapshots().forEach((snapshot, index) => {
      expect(snapshot).toBe(before[index]);
    });
  });

  it('keeps each kind its own frozen snapshot, replaced only when that kind changes', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorCatalogue('notes', notesCatalogue());
    const resources = registry.listResources();
    const prompts = registry.listPrompts();
    expect(Object.isFrozen(resources) && Object.isFrozen(resources[0])).toBe(true);
    registry.replaceConnectorCatalogue('notes', { prompts: [upstreamPrompt('other')] });
    expect(registry.listResources()).toBe(resources);
    expect(registry.listPrompts()).not.toBe(prompts);
    expect(prompts.map((prompt) => prompt.name)).toEqual(['notes.summarise']);
  });

  it('removes every kind of a connector with one bump and one event', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorCatalogue('notes', notesCatalogue());
    registry.replaceConnectorCatalogue('docs', { prompts: [upstreamPrompt('ask')] });
    const events = recordEvents(registry);
    expect(registry.removeConnector('notes')).toEqual(['notes.search']);
    expect(registry.version).toBe(3);
    expect(events).toHaveLength(1);
    expect(events[0]?.kinds).toEqual(['tools', 'resources', 'resourceTemplates', 'prompts']);
    expect(events[0]?.changes.resources.removed).toEqual(['notes+file:///a.txt']);
    const empty = registry.getConnectorCatalogue('notes');
    expect(empty).toEqual({ tools: [], resources: [], resourceTemplates: [], prompts: [] });
    expect(Object.isFrozen(empty) && Object.isFrozen(empty.resources)).toBe(true);
    expect(registry.listPrompts().map((prompt) => prompt.name)).toEqual(['docs.ask']);
    expect(registry.uriPrefixOf('notes')).toBeUndefined();
  });

  it('replaceConnectorTools replaces the tools kind only', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorCatalogue('notes', notesCatalogue());
    const result = registry.replaceConnectorTools('notes', []);
    expect(result).toMatchObject({ version: 2, removed: ['notes.search'], tools: [] });
    expect(registry.getConnectorCatalogue('notes').resources).toHaveLength(1);
    expect(registry.uriPrefixOf('notes')).toBe('notes');
  });

  it('passes title, icons, annotations and _meta through unchanged, as frozen copies', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const icons = [{ src: 'https://example.com/i.png', mimeType: 'image/png', sizes: ['48x48'] }];
    const annotations = { audience: ['user'], priority: 0.5, lastModified: '2025-11-25T00:00:00Z' };
    const _meta = { 'example.com/owner': { team: 'docs' } };
    registry.replaceConnectorCatalogue('notes', {
      resources: [upstreamResource('file:///a.txt', { title: 'A', icons, annotations, _meta, size: 12 })],
      resourceTemplates: [upstreamTemplate('file:///{path}', { title: 'Files', icons, annotations, _meta })],
      prompts: [upstreamPrompt('summarise', { title: 'Summarise', icons, _meta })],
    });
    const [resource] = registry.listResources();
    expect(resource).toEqual({
      uri: 'notes+file:///a.txt',
      name: 'a.txt',
      title: 'A',
      mimeType: 'text/plain',
      size: 12,
      icons,
      annotations,
      _meta,
      metadata: {
        connectorId: 'notes',
        originalUri: 'file:///a.txt',
        namespace: 'notes',
        scopes: [],
        tags: [],
      },
    });
    expect(registry.listResourceTemplates()[0]).toMatchObject({ title: 'Files', icons, annotations, _meta });
    expect(registry.getPrompt('notes.summarise')).toMatchObject({
      title: 'Summarise',
      icons,
      _meta,
      arguments: [{ name: 'topic', description: 'What about', required: true }],
    });
    expect(Object.isFrozen(resource?.icons?.[0])).toBe(true);
    expect(Object.isFrozen(icons[0])).toBe(false);
  });

  it("merges the call's metadata under each item's own, for every kind", () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorCatalogue(
      'notes',
      { resources: [upstreamResource('file:///a.txt', { metadata: { tags: ['own'] } })] },
      { metadata: { scopes: ['notes:read'], tags: ['default'], brand: 'b' } },
    );
    expect(registry.listResources()[0]?.metadata).toEqual({
      connectorId: 'notes',
      originalUri: 'file:///a.txt',
      namespace: 'notes',
      scopes: ['notes:read'],
      tags: ['own'],
      brand: 'b',
    });
  });

  it('lets a prompt and a tool share a name: each kind is its own name space', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorCatalogue('c', { tools: [upstreamTool('x')], prompts: [upstreamPrompt('x')] });
    expect(registry.getTool('c.x')).toBeDefined();
    expect(registry.getPrompt('c.x')).toBeDefined();
  });

  it('keeps public prompt names, like tool names, within 64 valid characters', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const long = `summarise ${'everything '.repeat(10)}`;
    registry.replaceConnectorCatalogue('c'.repeat(40), {
      prompts: [upstreamPrompt(long)],
      tools: [upstreamTool(long)],
    });
    const [prompt] = registry.listPrompts();
    const [tool] = registry.listTools();
    expect(prompt?.name).toHaveLength(64);
    expect(isValidMcpToolName(prompt?.name ?? '')).toBe(true);
    expect(prompt?.name).toBe(tool?.name);
    expect(prompt?.name.split('.')[0]).toHaveLength(32);
    expect(prompt?.metadata.originalName).toBe(long);
  });

  it('moves a connector to its new namespace in every kind, in the same step', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorCatalogue('notes', notesCatalogue());
    const result = registry.replaceConnectorTools('notes', [upstreamTool('search')], { namespace: 'kb' });
    expect(result.added).toEqual(['kb.search']);
    expect(registry.listResources().map((resource) => resource.uri)).toEqual(['kb+file:///a.txt']);
    expect(registry.listPrompts().map((prompt) => prompt.name)).toEqual(['kb.summarise']);
    expect(registry.uriPrefixOf('notes')).toBe('kb');
    expect(registry.version).toBe(2);
  });
});
