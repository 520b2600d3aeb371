import { describe, expect, it } from 'vitest';
import {
  type ConnectorCatalogueInput,
  DEFAULT_TOOL_LIMITS,
  ToolRegistryError,
  VersionedToolRegistry,
  type VersionedToolRegistryOptions,
} from '../src/index.js';
import {
  deepArray,
  recordingLogger,
  upstreamPrompt,
  upstreamResource,
  upstreamTemplate,
  upstreamTool,
} from './fixtures.js';

function registryWith(options: VersionedToolRegistryOptions = {}) {
  const logger = recordingLogger();
  return { logger, registry: new VersionedToolRegistry({ logger, ...options }) };
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

describe('per-kind count limits', () => {
  it('publishes the first 1000 resources, templates and prompts by default and warns once per kind', () => {
    const { registry } = registryWith();
    const many = 1005;
    const result = registry.replaceConnectorCatalogue('c', {
      resources: Array.from({ length: many }, (_, index) => upstreamResource(`file:///${index}`)),
      resourceTemplates: Array.from({ length: many }, (_, index) => upstreamTemplate(`file:///${index}/{x}`)),
      prompts: Array.from({ length: many }, (_, index) => upstreamPrompt(`p${index}`)),
    });
    expect(DEFAULT_TOOL_LIMITS).toMatchObject({
      maxResourcesPerConnector: 1000,
      maxResourceTemplatesPerConnector: 1000,
      maxPromptsPerConnector: 1000,
      maxUriBytes: 8192,
    });
    const catalogue = registry.getConnectorCatalogue('c');
    expect([
      catalogue.resources.length,
      catalogue.resourceTemplates.length,
      catalogue.prompts.length,
    ]).toEqual([1000, 1000, 1000]);
    expect(
      result.warnings.map((warning) => [warning.kind, warning.code, warning.index, warning.actual]),
    ).toEqual([
      ['resources', 'too_many_items', 1000, many],
      ['resourceTemplates', 'too_many_items', 1000, many],
      ['prompts', 'too_many_items', 1000, many],
    ]);
    expect(result.warnings[0]).toMatchObject({
      originalName: 'file:///1000',
      name: 'c+file:///1000',
      limit: 1000,
    });
    expect(result.warnings[0]?.message).toMatch(/"c".*1005 resources.*maxResourcesPerConnector/);
  });

  it('applies configured caps to each kind on its own', () => {
    const { registry } = registryWith({
      maxResourcesPerConnector: 1,
      maxPromptsPerConnector: 2,
      maxToolsPerConnector: 3,
    });
    registry.replaceConnectorCatalogue('c', {
      tools: ['a', 'b', 'c', 'd'].map((name) => upstreamTool(name)),
      resources: [upstreamResource('file:///1'), upstreamResource('file:///2')],
      prompts: ['x', 'y', 'z'].map((name) => upstreamPrompt(name)),
    });
    const catalogue = registry.getConnectorCatalogue('c');
    expect([catalogue.tools.length, catalogue.resources.length, catalogue.prompts.length]).toEqual([3, 1, 2]);
  });

  it('rejects limits that are not positive integers with invalid_options', () => {
    for (const option of [
      'maxResourcesPerConnector',
      'maxResourceTemplatesPerConnector',
      'maxPromptsPerConnector',
      'maxUriBytes',
    ]) {
      for (const value of [0, -1, 1.5, Number.NaN]) {
        const error = catchError(() => new VersionedToolRegistry({ [option]: value }));
        expect(error.code).toBe('invalid_options');
        expect(error.message).toContain(option);
      }
    }
  });
});

describe('maxUriBytes', () => {
  it('leaves out a resource or template whose upstream URI is over the limit, with a warning naming it', () => {
    const { registry, logger } = registryWith({ maxUriBytes: 32 });
    const long = `file:///${'x'.repeat(40)}`;
    const result = registry.replaceConnectorCatalogue('c', {
      resources: [upstreamResource(long), upstreamResource('file:///short')],
      resourceTemplates: [upstreamTemplate(`${long}/{y}`)],
    });
    expect(registry.listResources().map((resource) => resource.uri)).toEqual(['c+file:///short']);
    expect(registry.listResourceTemplates()).toEqual([]);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'uri_too_long',
        kind: 'resources',
        index: 0,
        field: 'uri',
        limit: 32,
        actual: 48,
      }),
      expect.objectContaining({ code: 'uri_too_long', kind: 'resourceTemplates', field: 'uriTemplate' }),
    ]);
    expect(result.warnings[0]?.message).toContain('maxUriBytes');
    expect(logger.lines.map((line) => line.obj.code)).toEqual(['uri_too_long', 'uri_too_long']);
  });
});

describe('text and JSON limits on every kind', () => {
  it('cuts long text (resource name and mimeType included) and leaves out items with oversized JSON members', () => {
    const { registry } = registryWith({ maxDescriptionBytes: 16, maxSchemaDepth: 8, maxSchemaBytes: 1024 });
    const result = registry.replaceConnectorCatalogue('c', {
      resources: [
        upstreamResource('file:///long', { name: 'n'.repeat(40), description: 'd'.repeat(40) }),
        upstreamResource('file:///deep', { _meta: { deep: deepArray(20) } }),
      ],
      prompts: [
        upstreamPrompt('big', { arguments: [{ name: 'a', description: 'x'.repeat(2000) }] }),
        upstreamPrompt('fine', { description: 'short' }),
      ],
    });
    expect(registry.listResources().map((resource) => [resource.uri, resource.name])).toEqual([
      ['c+file:///long', `${'n'.repeat(13)}…`],
    ]);
    expect(registry.listPrompts().map((prompt) => prompt.name)).toEqual(['c.fine']);
    expect(result.warnings.map((warning) => [warning.kind, warning.code, warning.field])).toEqual([
      ['resources', 'text_truncated', 'name'],
      ['resources', 'text_truncated', 'description'],
      ['resources', 'schema_too_deep', '_meta'],
      ['prompts', 'schema_too_large', 'arguments'],
    ]);
  });
});

describe('malformed entries of the new kinds', () => {
  const broken: ConnectorCatalogueInput = {
    resources: [
      upstreamResource('file:///fine'),
      { uri: 'no-scheme', name: 'x' },
      { uri: 'file:///unnamed' } as never,
      upstreamResource('file:///sized', { size: -1 }),
    ],
    resourceTemplates: [upstreamTemplate('file:///{unclosed'), upstreamTemplate('file:///{ok}')],
    prompts: [
      upstreamPrompt('p', { arguments: [{ name: 3 }] as never }),
      { name: 42 } as never,
      upstreamPrompt('fine'),
    ],
  };

  it("rejects the whole call with invalid_item under onInvalidTool: 'throw', and changes nothing", () => {
    const { registry } = registryWith();
    registry.replaceConnectorCatalogue('c', { prompts: [upstreamPrompt('before')] });
    const snapshot = registry.listPrompts();
    const error = catchError(() => registry.replaceConnectorCatalogue('c', broken));
    expect(error.code).toBe('invalid_item');
    expect(error.message).toMatch(
      /Resource #1 \("no-scheme"\) of connector "c" has a uri that is not a string starting with a scheme/,
    );
    expect(registry.listPrompts()).toBe(snapshot);
    expect(registry.version).toBe(1);
    expect(catchError(() => registry.replaceConnectorCatalogue('c', { resources: {} as never })).code).toBe(
      'invalid_item',
    );
    expect(catchError(() => registry.replaceConnectorCatalogue('c', null as never)).code).toBe(
      'invalid_item',
    );
    expect(catchError(() => registry.replaceConnectorCatalogue('c', { tools: 'x' as never })).code).toBe(
      'invalid_tool',
    );
  });

  it("leaves each malformed entry out with a warning under onInvalidTool: 'skip'", () => {
    const { registry } = registryWith({ onInvalidTool: 'skip' });
    const result = registry.replaceConnectorCatalogue('c', broken);
    expect(registry.listResources().map((resource) => resource.uri)).toEqual(['c+file:///fine']);
    expect(registry.listResourceTemplates().map((template) => template.uriTemplate)).toEqual([
      'c+file:///{ok}',
    ]);
    expect(registry.listPrompts().map((prompt) => prompt.name)).toEqual(['c.fine']);
    expect(result.warnings.map((warning) => [warning.kind, warning.code, warning.index])).toEqual([
      ['resources', 'invalid_uri', 1],
      ['resources', 'invalid_item', 2],
      ['resources', 'invalid_item', 3],
      ['resourceTemplates', 'invalid_uri', 0],
      ['prompts', 'invalid_item', 0],
      ['prompts', 'invalid_item', 1],
    ]);
    expect(result.warnings[4]?.message).toContain('argument #0 that has no string name');
  });
});
