import { describe, expect, it } from 'vitest';
import {
  type ConnectorToolDefinition,
  DEFAULT_TOOL_LIMITS,
  type ToolObjectSchema,
  type ToolRegistryChangeEvent,
  VersionedToolRegistry,
} from '../src/index.js';
import { deepArray, deepSchema, recordingLogger, upstreamTool } from './fixtures.js';

function recordEvents(registry: VersionedToolRegistry): ToolRegistryChangeEvent[] {
  const events: ToolRegistryChangeEvent[] = [];
  registry.onChange((event) => {
    events.push(event);
  });
  return events;
}

/** Another connector, registered first: it must keep serving whatever the hostile one sends. */
function withBystander(options: ConstructorParameters<typeof VersionedToolRegistry>[0] = {}) {
  const logger = recordingLogger();
  const registry = new VersionedToolRegistry({ logger, ...options });
  registry.replaceConnectorTools('good', [upstreamTool('search'), upstreamTool('fetch')]);
  const bystander = registry.getConnectorTools('good');
  return { registry, logger, bystander };
}

describe('maxToolsPerConnector', () => {
  it('publishes the first 1000 of a connector offering 10,000 tools, warns once, and leaves others alone', () => {
    const { registry, logger, bystander } = withBystander();
    const offered = Array.from({ length: 10_000 }, (_, index) => upstreamTool(`t${index}`));
    const result = registry.replaceConnectorTools('flood', offered);
    expect(result.tools).toHaveLength(DEFAULT_TOOL_LIMITS.maxToolsPerConnector);
    expect(result.tools.at(-1)).toBe('flood.t999');
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'too_many_tools',
        connectorId: 'flood',
        originalName: 't1000',
        name: 'flood.t1000',
        index: 1000,
        limit: 1000,
        actual: 10_000,
      }),
    ]);
    expect(result.warnings[0]?.message).toMatch(/"flood".*10000.*maxToolsPerConnector/);
    expect(logger.lines.filter((line) => line.obj.code === 'too_many_tools')).toHaveLength(1);
    expect(registry.getConnectorTools('good')).toBe(bystander);
    const events = recordEvents(registry);
    registry.replaceConnectorTools('flood', offered);
    expect(events).toEqual([]);
  });

  it('applies a configured cap, and registerTool refuses to go past it with limit_exceeded', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger(), maxToolsPerConnector: 2 });
    registry.replaceConnectorTools('c', [upstreamTool('a'), upstreamTool('b'), upstreamTool('z')]);
    expect(registry.getConnectorTools('c').map((tool) => tool.name)).toEqual(['c.a', 'c.b']);
    const definition = { ...upstreamTool('x'), name: 'c.x', metadata: { connectorId: 'c' } };
    expect(() => registry.registerTool(definition)).toThrow(
      expect.objectContaining({
        code: 'limit_exceeded',
        message: expect.stringContaining('maxToolsPerConnector'),
      }),
    );
    // Updating a tool the connector already has does not count as one more.
    registry.registerTool({ ...definition, name: 'c.a', description: 'updated' });
    expect(registry.getTool('c.a')?.description).toBe('updated');
  });
});

describe('maxDescriptionBytes', () => {
  it('cuts a megabyte description to the limit with a warning naming the tool; a re-list is a no-op', () => {
    const { registry, bystander } = withBystander();
    const huge = 'x'.repeat(1024 * 1024);
    const listed = [upstreamTool('big', { description: huge }), upstreamTool('small')];
    const result = registry.replaceConnectorTools('c', listed);
    expect(result.tools).toEqual(['c.big', 'c.small']);
    const description = registry.getTool('c.big')?.description ?? '';
    expect(Buffer.byteLength(description)).toBeLessThanOrEqual(DEFAULT_TOOL_LIMITS.maxDescriptionBytes);
    expect(description).toBe(`${'x'.repeat(DEFAULT_TOOL_LIMITS.maxDescriptionBytes - 3)}…`);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'text_truncated',
        connectorId: 'c',
        originalName: 'big',
        name: 'c.big',
        field: 'description',
        index: 0,
        limit: 32_768,
        actual: 1024 * 1024,
      }),
    ]);
    const events = recordEvents(registry);
    registry.replaceConnectorTools('c', listed);
    expect(events).toEqual([]);
    expect(registry.getConnectorTools('good')).toBe(bystander);
  });

  it('never splits a character and cuts titles too', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger(), maxDescriptionBytes: 10 });
    const result = registry.replaceConnectorTools('c', [
      upstreamTool('euro', { description: '€'.repeat(10) }),
      upstreamTool('emoji', { description: '😀'.repeat(10), title: 'ab😀cdefgh' }),
      upstreamTool('fits', { description: '€€€a' }),
    ]);
    expect(registry.getTool('c.euro')?.description).toBe('€€…');
    expect(registry.getTool('c.emoji')?.description).toBe('😀…');
    expect(registry.getTool('c.emoji')?.title).toBe('ab😀c…');
    expect(registry.getTool('c.fits')?.description).toBe('€€€a');
    expect(result.warnings.map((warning) => `${warning.originalName}.${warning.field}`)).toEqual([
      'euro.description',
      'emoji.description',
      'emoji.title',
    ]);
  });

  it('rejects an over-long description in registerTool with limit_exceeded instead of cutting it', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger(), maxDescriptionBytes: 10 });
    const definition = {
      ...upstreamTool('a', { description: 'x'.repeat(11) }),
      metadata: { connectorId: 'c' },
    };
    expect(() => registry.registerTool(definition)).toThrow(
      expect.objectContaining({
        code: 'limit_exceeded',
        message: expect.stringMatching(/"a".*maxDescriptionBytes/),
      }),
    );
    expect(registry.version).toBe(0);
  });
});

describe('maxSchemaDepth', () => {
  it('leaves out only the tool with a 10,000-deep inputSchema, with a warning naming it', () => {
    const { registry, logger, bystander } = withBystander();
    const result = registry.replaceConnectorTools('c', [
      upstreamTool('ok'),
      upstreamTool('deep', { inputSchema: deepSchema(10_000) }),
    ]);
    expect(result.tools).toEqual(['c.ok']);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'schema_too_deep',
        connectorId: 'c',
        originalName: 'deep',
        field: 'inputSchema',
        index: 1,
        limit: 64,
        actual: 65,
      }),
    ]);
    expect(result.warnings[0]?.message).toMatch(/#1 \("deep"\).*"c".*inputSchema.*maxSchemaDepth/);
    expect(logger.lines.map((line) => line.obj.code)).toEqual(['schema_too_deep']);
    expect(registry.getConnectorTools('good')).toBe(bystander);
  });

  it('measures every JSON member, catches cycles, and accepts exactly the limit', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger(), maxSchemaDepth: 5 });
    const cyclic: Record<string, unknown> = { type: 'object' };
    cyclic.properties = { self: cyclic };
    const result = registry.replaceConnectorTools('c', [
      upstreamTool('at-limit', { inputSchema: deepSchema(5) }),
      upstreamTool('one-over', { inputSchema: deepSchema(7) }),
      upstreamTool('meta', { _meta: { nested: deepArray(10_000) } }),
      upstreamTool('annotations', { annotations: { hints: deepArray(5) } }),
      upstreamTool('output', { outputSchema: deepSchema(7) }),
      upstreamTool('cycle', { inputSchema: cyclic as ToolObjectSchema }),
    ]);
    expect(result.tools).toEqual(['c.at-limit']);
    expect(result.warnings.map((warning) => [warning.originalName, warning.code, warning.field])).toEqual([
      ['one-over', 'schema_too_deep', 'inputSchema'],
      ['meta', 'schema_too_deep', '_meta'],
      ['annotations', 'schema_too_deep', 'annotations'],
      ['output', 'schema_too_deep', 'outputSchema'],
      ['cycle', 'schema_too_deep', 'inputSchema'],
    ]);
  });

  it('handles schemas at the 1000-level ceiling without overflowing the stack, and re-lists them as a no-op', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger(), maxSchemaDepth: 1000 });
    const listed = [upstreamTool('deep', { inputSchema: deepSchema(999) })];
    expect(registry.replaceConnectorTools('c', listed).tools).toEqual(['c.deep']);
    expect(
      registry.replaceConnectorTools('c', [upstreamTool('deep', { inputSchema: deepSchema(999) })]).version,
    ).toBe(1);
  });

  it('removes a registered tool whose next listing is over a limit, in one bump', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorTools('c', [upstreamTool('a'), upstreamTool('b')]);
    const result = registry.replaceConnectorTools('c', [
      upstreamTool('a'),
      upstreamTool('b', { inputSchema: deepSchema(100) }),
    ]);
    expect(result).toMatchObject({ version: 2, removed: ['c.b'], tools: ['c.a'] });
  });

  it('rejects an over-deep schema in registerTool with limit_exceeded', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const definition = {
      ...upstreamTool('a', { inputSchema: deepSchema(10_000) }),
      metadata: { connectorId: 'c' },
    };
    expect(() => registry.registerTool(definition)).toThrow(
      expect.objectContaining({ code: 'limit_exceeded' }),
    );
    expect(registry.listTools()).toEqual([]);
  });
});

describe('maxSchemaBytes', () => {
  it('leaves out a tool whose schema is over the limit and keeps the rest', () => {
    const { registry, bystander } = withBystander();
    const values = Array.from({ length: 30_000 }, (_, index) => `value-${index}`);
    const huge: ToolObjectSchema = { type: 'object', properties: { pick: { type: 'string', enum: values } } };
    const result = registry.replaceConnectorTools('c', [
      upstreamTool('huge', { inputSchema: huge }),
      upstreamTool('ok'),
    ]);
    expect(result.tools).toEqual(['c.ok']);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'schema_too_large',
        originalName: 'huge',
        field: 'inputSchema',
        limit: 262_144,
      }),
    ]);
    expect(result.warnings[0]?.actual).toBeGreaterThan(262_144);
    expect(registry.getConnectorTools('good')).toBe(bystander);
  });

  it('stops early on a schema that shares one sub-object exponentially many times', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger(), maxSchemaDepth: 100 });
    let shared: unknown = { type: 'string', description: 'leaf' };
    for (let level = 0; level < 60; level += 1) shared = { left: shared, right: shared };
    const result = registry.replaceConnectorTools('c', [
      upstreamTool('bomb', { inputSchema: { type: 'object', properties: { root: shared } } }),
    ]);
    expect(result.warnings.map((warning) => warning.code)).toEqual(['schema_too_large']);
  });
});

describe("onInvalidTool: 'skip'", () => {
  it('leaves out each malformed entry with a warning naming it and registers the rest', () => {
    const { registry, bystander } = withBystander({ onInvalidTool: 'skip' });
    const result = registry.replaceConnectorTools('c', [
      upstreamTool('fine'),
      {
        ...upstreamTool('string-schema'),
        inputSchema: { type: 'string' },
      } as unknown as ConnectorToolDefinition,
      { ...upstreamTool('x'), name: 42 } as unknown as ConnectorToolDefinition,
      null as unknown as ConnectorToolDefinition,
      upstreamTool('also-fine'),
    ]);
    expect(result.tools).toEqual(['c.fine', 'c.also-fine']);
    expect(
      result.warnings.map(({ code, index, originalName, name }) => ({ code, index, originalName, name })),
    ).toEqual([
      { code: 'invalid_tool', index: 1, originalName: 'string-schema', name: 'c.string-schema' },
      { code: 'invalid_tool', index: 2, originalName: '', name: '' },
      { code: 'invalid_tool', index: 3, originalName: '', name: '' },
    ]);
    expect(result.warnings[0]?.message).toMatch(/#1 \("string-schema"\).*inputSchema/);
    expect(registry.getConnectorTools('good')).toBe(bystander);
  });

  it('quotes at most 128 characters of a hostile name in the message, and keeps it whole in originalName', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger(), onInvalidTool: 'skip' });
    const name = 'n'.repeat(100_000);
    const broken = { ...upstreamTool(name), inputSchema: null } as unknown as ConnectorToolDefinition;
    const [warning] = registry.replaceConnectorTools('c', [broken]).warnings;
    expect(warning?.originalName).toBe(name);
    expect(warning?.message).toContain(`"${'n'.repeat(128)}…"`);
    expect(warning?.message.length).toBeLessThan(400);
  });

  it('still throws for a tools argument that is not an array', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger(), onInvalidTool: 'skip' });
    expect(() => registry.replaceConnectorTools('c', {} as unknown as ConnectorToolDefinition[])).toThrow(
      expect.objectContaining({ code: 'invalid_tool' }),
    );
  });
});

describe('limit options', () => {
  it('rejects limits that are not positive integers, or a depth over the ceiling, with invalid_options', () => {
    const bad = [
      { maxToolsPerConnector: 0 },
      { maxDescriptionBytes: 1.5 },
      { maxSchemaBytes: Number.POSITIVE_INFINITY },
      { maxSchemaDepth: 1001 },
      { maxSchemaDepth: '64' as unknown as number },
      { onInvalidTool: 'ignore' as 'skip' },
    ];
    for (const options of bad) {
      const [option] = Object.keys(options);
      expect(() => new VersionedToolRegistry(options), option).toThrow(
        expect.objectContaining({ code: 'invalid_options', message: expect.stringContaining(option ?? '') }),
      );
    }
  });
});
