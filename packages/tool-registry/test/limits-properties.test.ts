import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ToolObjectSchema, VersionedToolRegistry } from '../src/index.js';
import { recordingLogger, upstreamTool } from './fixtures.js';

/** Nesting depth of JSON data; fast-check's JSON values are shallow, so plain recursion is fine here. */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const members = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...members.map(depthOf));
}

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

const schemaArb = fc
  .dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 4 })
  .map((properties): ToolObjectSchema => ({ type: 'object', properties }));

function publishes(
  options: ConstructorParameters<typeof VersionedToolRegistry>[0],
  schema: ToolObjectSchema,
) {
  const registry = new VersionedToolRegistry({ logger: recordingLogger(), ...options });
  return registry.replaceConnectorTools('c', [upstreamTool('t', { inputSchema: schema })]);
}

describe('schema limits, measured exactly', () => {
  it('accepts a schema of exactly maxSchemaBytes bytes of JSON and rejects it one byte lower', () => {
    fc.assert(
      fc.property(schemaArb, (schema) => {
        const bytes = bytesOf(schema);
        expect(publishes({ maxSchemaBytes: bytes, maxSchemaDepth: 1000 }, schema).tools).toEqual(['c.t']);
        // Members JSON would drop count for nothing.
        const withAbsent = { ...schema, absent: undefined, fn: () => 1 };
        expect(publishes({ maxSchemaBytes: bytes, maxSchemaDepth: 1000 }, withAbsent).tools).toEqual(['c.t']);
        const rejected = publishes({ maxSchemaBytes: bytes - 1, maxSchemaDepth: 1000 }, schema);
        expect(rejected.tools).toEqual([]);
        expect(rejected.warnings).toEqual([
          expect.objectContaining({ code: 'schema_too_large', limit: bytes - 1 }),
        ]);
      }),
      { numRuns: 100 },
    );
  });

  it('accepts a schema exactly maxSchemaDepth deep and rejects it one level lower', () => {
    fc.assert(
      fc.property(schemaArb, (schema) => {
        const depth = depthOf(schema);
        expect(publishes({ maxSchemaDepth: depth }, schema).tools).toEqual(['c.t']);
        if (depth === 1) return;
        const rejected = publishes({ maxSchemaDepth: depth - 1 }, schema);
        expect(rejected.warnings).toEqual([
          expect.objectContaining({ code: 'schema_too_deep', limit: depth - 1, actual: depth }),
        ]);
      }),
      { numRuns: 100 },
    );
  });
});

const entryArb = fc.record({
  description: fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '\ud800'), maxLength: 12 }),
  schema: schemaArb,
});

describe('connector limits hold under arbitrary input', () => {
  it('publishes only tools within every limit, and accounts for each entry left out or cut with a warning', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { maxLength: 8 }),
        fc.record({
          maxToolsPerConnector: fc.integer({ min: 1, max: 8 }),
          maxDescriptionBytes: fc.integer({ min: 1, max: 30 }),
          maxSchemaDepth: fc.integer({ min: 1, max: 6 }),
          maxSchemaBytes: fc.integer({ min: 20, max: 400 }),
        }),
        (entries, limits) => {
          const registry = new VersionedToolRegistry({ logger: recordingLogger(), ...limits });
          const result = registry.replaceConnectorTools(
            'c',
            entries.map((entry, index) =>
              upstreamTool(`t${index}`, { description: entry.description, inputSchema: entry.schema }),
            ),
          );
          expect(result.tools.length).toBeLessThanOrEqual(limits.maxToolsPerConnector);
          const leftOut = new Set(
            result.warnings
              .filter((warning) => warning.code !== 'text_truncated')
              .map((warning) => warning.index),
          );
          const cut = new Set(
            result.warnings
              .filter((warning) => warning.code === 'text_truncated')
              .map((warning) => warning.index),
          );
          entries.forEach((entry, index) => {
            const tool = registry.getTool(`c.t${index}`);
            if (index >= limits.maxToolsPerConnector) {
              expect(tool).toBeUndefined();
              return;
            }
            expect(tool === undefined).toBe(leftOut.has(index));
            if (tool === undefined) return;
            expect(depthOf(tool.inputSchema)).toBeLessThanOrEqual(limits.maxSchemaDepth);
            expect(bytesOf(tool.inputSchema)).toBeLessThanOrEqual(limits.maxSchemaBytes);
            const description = tool.description ?? '';
            expect(Buffer.byteLength(description)).toBeLessThanOrEqual(limits.maxDescriptionBytes);
            expect(description !== entry.description).toBe(cut.has(index));
            // A cut never splits the emoji's surrogate pair.
            expect(/\ud83d(?!\ude00)/.test(description)).toBe(false);
            expect(entry.description.startsWith(description.replace(/…$/, ''))).toBe(true);
          });
          const capped = result.warnings.filter((warning) => warning.code === 'too_many_tools');
          expect(capped).toHaveLength(entries.length > limits.maxToolsPerConnector ? 1 : 0);
        },
      ),
      { numRuns: 150 },
    );
  });
});
