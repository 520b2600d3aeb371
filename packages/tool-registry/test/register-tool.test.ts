import { describe, expect, it } from 'vitest';
import { type ToolRegistryChangeEvent, ToolRegistryError, VersionedToolRegistry } from '../src/index.js';
import { recordingLogger, routeTo, toolsEvent } from './fixtures.js';

const schema = { type: 'object', properties: {} } as const;

function definition(name: string, connectorId = 'local', extra: Record<string, unknown> = {}) {
  return {
    name,
    description: `Tool ${name}`,
    inputSchema: schema,
    handler: routeTo(name),
    metadata: { connectorId, ...extra },
  };
}

function catchError(action: () => unknown): ToolRegistryError {
  try {
    action();
  } catch (error) {
    if (error instanceof ToolRegistryError) return error;
    throw error;
  }
  throw new Error('expected a ToolRegistryError');
}

describe('registerTool', () => {
  it('serves the tool by name with completed metadata and bumps the version once', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const events: ToolRegistryChangeEvent[] = [];
    registry.onChange((event) => {
      events.push(event);
    });
    const entry = registry.registerTool(definition('host.status', 'host', { brand: 'brAInwav' }));
    expect(registry.getTool('host.status')).toBe(entry);
    expect(entry.metadata).toEqual({
      connectorId: 'host',
      originalName: 'host.status',
      scopes: [],
      tags: [],
      brand: 'brAInwav',
    });
    expect(registry.version).toBe(1);
    expect(events).toEqual([toolsEvent(1, { added: ['host.status'], removed: [], changed: [] })]);
  });

  it('rejects a name that is not a valid MCP tool name and changes nothing', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const error = catchError(() => registry.registerTool(definition('has space')));
    expect(error.code).toBe('invalid_name');
    expect(error.message).toContain('toMcpToolName');
    expect(catchError(() => registry.registerTool(definition('x'.repeat(65)))).code).toBe('invalid_name');
    expect(catchError(() => registry.registerTool(definition('x'.repeat(65)))).message).toContain('1-64');
    expect(registry.version).toBe(0);
    expect(registry.listTools()).toEqual([]);
  });

  it('accepts a 64-character name as given', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    expect(registry.registerTool(definition('x'.repeat(64))).name).toBe('x'.repeat(64));
  });

  it('rejects malformed definitions with invalid_tool', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const noHandler = { ...definition('a'), handler: undefined } as unknown as Parameters<
      typeof registry.registerTool
    >[0];
    const badSchema = { ...definition('a'), inputSchema: { type: 'string' } } as unknown as Parameters<
      typeof registry.registerTool
    >[0];
    expect(catchError(() => registry.registerTool(noHandler)).code).toBe('invalid_tool');
    expect(catchError(() => registry.registerTool(badSchema)).code).toBe('invalid_tool');
    expect(catchError(() => registry.registerTool(definition('a', ''))).code).toBe('invalid_connector_id');
    expect(registry.version).toBe(0);
  });

  it('updates a tool its connector already owns, bumping only when something visible changed', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const original = definition('a');
    const first = registry.registerTool(original);
    expect(registry.registerTool({ ...original, inputSchema: { properties: {}, type: 'object' } })).toBe(
      first,
    );
    expect(registry.version).toBe(1);
    registry.registerTool({ ...definition('a'), description: 'new words' });
    expect(registry.version).toBe(2);
    expect(registry.getTool('a')?.description).toBe('new words');
    expect(registry.listTools()).toHaveLength(1);
  });

  it('throws name_collision naming both connectors when another connector owns the name', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const owner = registry.registerTool(definition('search', 'alpha'));
    const error = catchError(() => registry.registerTool(definition('search', 'beta')));
    expect(error.code).toBe('name_collision');
    expect(error.message).toContain('"alpha"');
    expect(error.message).toContain('"beta"');
    expect(registry.getTool('search')).toBe(owner);
    expect(registry.version).toBe(1);
  });
});

describe('unregisterTool and removeConnector', () => {
  it('removes one tool with one bump, and reports false for an unknown name', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.registerTool(definition('a'));
    registry.registerTool(definition('b'));
    expect(registry.unregisterTool('a')).toBe(true);
    expect(registry.version).toBe(3);
    expect(registry.getTool('a')).toBeUndefined();
    expect(registry.listTools().map((tool) => tool.name)).toEqual(['b']);
    expect(registry.unregisterTool('a')).toBe(false);
    expect(registry.version).toBe(3);
  });

  it('removes a whole connector with one bump and one event', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.registerTool(definition('a1', 'a'));
    registry.registerTool(definition('a2', 'a'));
    registry.registerTool(definition('b1', 'b'));
    const events: ToolRegistryChangeEvent[] = [];
    registry.onChange((event) => {
      events.push(event);
    });
    expect(registry.removeConnector('a')).toEqual(['a1', 'a2']);
    expect(events).toEqual([toolsEvent(4, { added: [], removed: ['a1', 'a2'], changed: [] })]);
    expect(registry.getConnectorTools('a')).toEqual([]);
    expect(registry.getConnectorTools('b').map((tool) => tool.name)).toEqual(['b1']);
    expect(registry.removeConnector('a')).toEqual([]);
    expect(registry.version).toBe(4);
  });
});

describe('onChange', () => {
  it('stops delivering after unsubscribe', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const versions: number[] = [];
    const unsubscribe = registry.onChange((event) => {
      versions.push(event.version);
    });
    registry.registerTool(definition('a'));
    unsubscribe();
    registry.registerTool(definition('b'));
    expect(versions).toEqual([1]);
  });

  it('shows listeners the state that produced the event', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const seen: string[] = [];
    registry.onChange((event) => {
      seen.push(`${event.version}=${registry.version}:${registry.listTools().length}`);
    });
    registry.registerTool(definition('a'));
    registry.registerTool(definition('b'));
    expect(seen).toEqual(['1=1:1', '2=2:2']);
  });

  it('isolates a throwing or rejecting listener: others still run and the failure is logged', async () => {
    const logger = recordingLogger();
    const registry = new VersionedToolRegistry({ logger });
    const versions: number[] = [];
    registry.onChange(() => {
      throw new Error('listener bug');
    });
    registry.onChange(async () => {
      throw new Error('async listener bug');
    });
    registry.onChange((event) => {
      versions.push(event.version);
    });
    registry.registerTool(definition('a'));
    await Promise.resolve();
    expect(versions).toEqual([1]);
    expect(registry.getTool('a')).toBeDefined();
    const failures = logger.lines.filter((line) => line.level === 'error');
    expect(failures.map((line) => (line.obj.err as Error).message).sort()).toEqual([
      'async listener bug',
      'listener bug',
    ]);
    expect(failures.every((line) => line.obj.version === 1)).toBe(true);
  });

  it('delivers events in version order when a listener changes the registry', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const order: string[] = [];
    registry.onChange((event) => {
      order.push(`first saw ${event.version}`);
      if (event.version === 1) registry.registerTool(definition('b'));
    });
    registry.onChange((event) => {
      order.push(`second saw ${event.version}`);
    });
    registry.registerTool(definition('a'));
    expect(order).toEqual(['first saw 1', 'second saw 1', 'first saw 2', 'second saw 2']);
  });
});
