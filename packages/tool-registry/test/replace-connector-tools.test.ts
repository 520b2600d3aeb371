import { describe, expect, it } from 'vitest';
import {
  type ConnectorToolDefinition,
  type ToolRegistryChangeEvent,
  ToolRegistryError,
  VersionedToolRegistry,
} from '../src/index.js';
import { recordingLogger, routeTo, toolsEvent, upstreamTool } from './fixtures.js';

function recordEvents(registry: VersionedToolRegistry): ToolRegistryChangeEvent[] {
  const events: ToolRegistryChangeEvent[] = [];
  registry.onChange((event) => {
    events.push(event);
  });
  return events;
}

describe('replaceConnectorTools naming', () => {
  it('publishes namespace.toolName and keeps the upstream name for routing', async () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const result = registry.replaceConnectorTools('github', [upstreamTool('list issues')], {
      metadata: { scopes: ['repo:read'], brand: 'brAInwav' },
    });
    const [name] = result.tools;
    expect(name).toMatch(/^github\.list_issues_[0-9a-f]{8}$/);
    const tool = registry.getTool(name ?? '');
    expect(tool?.metadata).toMatchObject({
      connectorId: 'github',
      originalName: 'list issues',
      namespace: 'github',
      scopes: ['repo:read'],
      tags: [],
      brand: 'brAInwav',
    });
    await expect(tool?.handler({ query: 'q' }, {})).resolves.toEqual({
      content: [{ type: 'text', text: 'list issues:{"query":"q"}' }],
    });
  });

  it('publishes bare names for the empty namespace, from the call or from the constructor', () => {
    const registry = new VersionedToolRegistry({
      logger: recordingLogger(),
      namespaces: { solo: '', docs: 'kb' },
    });
    expect(registry.replaceConnectorTools('solo', [upstreamTool('search')]).tools).toEqual(['search']);
    expect(registry.replaceConnectorTools('docs', [upstreamTool('find')]).tools).toEqual(['kb.find']);
    expect(registry.replaceConnectorTools('docs', [upstreamTool('find')], { namespace: '' }).tools).toEqual([
      'find',
    ]);
    expect(registry.getTool('find')?.metadata.namespace).toBe('');
    expect(registry.getTool('kb.find')).toBeUndefined();
  });

  it('rejects a namespace that is not a string with invalid_namespace', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const call = () =>
      registry.replaceConnectorTools('c', [upstreamTool('a')], { namespace: 42 as unknown as string });
    expect(call).toThrow(expect.objectContaining({ name: 'ToolRegistryError', code: 'invalid_namespace' }));
    expect(registry.version).toBe(0);
  });

  it("lets each tool's own metadata win over the call's defaults, but never over routing members", () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const tool = upstreamTool('x', {
      metadata: { tags: ['own'], connectorId: 'forged', originalName: 'forged', namespace: 'forged' },
    });
    registry.replaceConnectorTools('c', [tool], { metadata: { tags: ['default'], scopes: ['s'] } });
    expect(registry.getTool('c.x')?.metadata).toEqual({
      connectorId: 'c',
      originalName: 'x',
      namespace: 'c',
      scopes: ['s'],
      tags: ['own'],
    });
  });
});

describe('replaceConnectorTools versioning', () => {
  it('swaps the whole set with one bump and one event listing added, removed and changed', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorTools('c', [upstreamTool('keep'), upstreamTool('edit'), upstreamTool('drop')]);
    const events = recordEvents(registry);
    const result = registry.replaceConnectorTools('c', [
      upstreamTool('keep'),
      upstreamTool('edit', { description: 'edited' }),
      upstreamTool('new'),
    ]);
    expect(result).toMatchObject({ version: 2, added: ['c.new'], removed: ['c.drop'], changed: ['c.edit'] });
    expect(events).toEqual([toolsEvent(2, { added: ['c.new'], removed: ['c.drop'], changed: ['c.edit'] })]);
    expect(registry.getConnectorTools('c').map((tool) => tool.name)).toEqual(['c.keep', 'c.edit', 'c.new']);
  });

  it('treats an identical re-list as a no-op: no bump, no event, the same snapshot', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const handler = routeTo('a');
    const first: ConnectorToolDefinition = {
      name: 'a',
      description: 'A',
      inputSchema: { type: 'object', properties: { q: { type: 'string', enum: ['x', 'y'] } } },
      annotations: { readOnlyHint: true },
      handler,
      metadata: { tags: ['t'] },
    };
    registry.replaceConnectorTools('c', [first]);
    const snapshot = registry.listTools();
    const events = recordEvents(registry);
    const relisted: ConnectorToolDefinition = {
      metadata: { tags: ['t'], brand: undefined },
      handler,
      annotations: { readOnlyHint: true },
      inputSchema: { properties: { q: { enum: ['x', 'y'], type: 'string' } }, type: 'object' },
      description: 'A',
      name: 'a',
    };
    const result = registry.replaceConnectorTools('c', [relisted]);
    expect(result).toMatchObject({ version: 1, added: [], removed: [], changed: [], tools: ['c.a'] });
    expect(events).toEqual([]);
    expect(registry.listTools()).toBe(snapshot);
  });

  it('swaps in a new handler without a bump or event when only the handler changed', async () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorTools('c', [upstreamTool('a', { handler: async () => 'old proxy' })]);
    const events = recordEvents(registry);
    registry.replaceConnectorTools('c', [upstreamTool('a', { handler: async () => 'new proxy' })]);
    expect(registry.version).toBe(1);
    expect(events).toEqual([]);
    await expect(registry.getTool('c.a')?.handler({}, {})).resolves.toBe('new proxy');
    await expect(registry.listTools()[0]?.handler({}, {})).resolves.toBe('new proxy');
  });

  it('does not bump when upstream only reorders its tools', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const a = upstreamTool('a');
    const b = upstreamTool('b');
    registry.replaceConnectorTools('c', [a, b]);
    registry.replaceConnectorTools('c', [b, a]);
    expect(registry.version).toBe(1);
    expect(registry.listTools().map((tool) => tool.name)).toEqual(['c.b', 'c.a']);
  });

  it('bumps when metadata such as scopes changes', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const a = upstreamTool('a');
    registry.replaceConnectorTools('c', [a], { metadata: { scopes: ['read'] } });
    const result = registry.replaceConnectorTools('c', [a], { metadata: { scopes: ['read', 'write'] } });
    expect(result.changed).toEqual(['c.a']);
    expect(registry.version).toBe(2);
  });

  it('rejects a malformed set as a whole and keeps the previous one', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorTools('c', [upstreamTool('a')]);
    const before = registry.listTools();
    const broken = { ...upstreamTool('b'), inputSchema: null } as unknown as ConnectorToolDefinition;
    let caught: unknown;
    try {
      registry.replaceConnectorTools('c', [upstreamTool('z'), broken]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ToolRegistryError);
    expect((caught as ToolRegistryError).code).toBe('invalid_tool');
    expect((caught as ToolRegistryError).message).toContain('#1');
    expect(registry.listTools()).toBe(before);
    expect(registry.version).toBe(1);
  });

  it('replaces tools the connector registered one by one as part of its set', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.registerTool({
      name: 'c.manual',
      inputSchema: { type: 'object' },
      handler: routeTo('manual'),
      metadata: { connectorId: 'c' },
    });
    const result = registry.replaceConnectorTools('c', [upstreamTool('a')]);
    expect(result).toMatchObject({ version: 2, added: ['c.a'], removed: ['c.manual'] });
  });

  it('an empty set removes the connector in one bump', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorTools('c', [upstreamTool('a'), upstreamTool('b')]);
    expect(registry.replaceConnectorTools('c', [])).toMatchObject({ version: 2, removed: ['c.a', 'c.b'] });
    expect(registry.listTools()).toEqual([]);
  });

  it("copies schemas: the caller's objects stay mutable and later edits do not reach the registry", () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const tool = upstreamTool('a');
    registry.replaceConnectorTools('c', [tool]);
    const properties = tool.inputSchema.properties as Record<string, unknown>;
    properties.extra = { type: 'number' };
    expect(Object.isFrozen(tool.inputSchema)).toBe(false);
    expect(registry.getTool('c.a')?.inputSchema.properties).toEqual({ query: { type: 'string' } });
  });
});
