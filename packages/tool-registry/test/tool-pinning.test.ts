import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  diffToolDefinitions,
  PINNED_TOOL_FIELDS,
  type PinnableToolDefinition,
  type PinnedToolField,
  pinningCanonicalJson,
  toolDefinitionHash,
  VersionedToolRegistry,
} from '../src/index.js';
import { recordingLogger, upstreamTool } from './fixtures.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The same JSON data with every object's keys in another order (fast-check data is shallow: recursion is fine). */
function reordered(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item) => reordered(item, seed));
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value);
  const rotated = [
    ...keys.slice(seed % Math.max(1, keys.length)),
    ...keys.slice(0, seed % Math.max(1, keys.length)),
  ].reverse();
  const copy: Record<string, unknown> = {};
  for (const key of rotated) {
    Object.defineProperty(copy, key, {
      value: reordered((value as Record<string, unknown>)[key], seed),
      enumerable: true,
    });
  }
  return copy;
}

const json = fc.jsonValue({ maxDepth: 4 });
const objectJson = fc.dictionary(fc.string({ unit: 'binary', maxLength: 5 }), json, { maxKeys: 5 });
const toolArb: fc.Arbitrary<PinnableToolDefinition> = fc.record(
  {
    name: fc.string({ maxLength: 10 }),
    description: fc.string({ unit: 'grapheme', maxLength: 20 }),
    inputSchema: objectJson.map((properties) => ({ type: 'object', properties })),
    outputSchema: objectJson.map((properties) => ({ type: 'object', properties })),
    annotations: objectJson,
  },
  { requiredKeys: ['name'] },
);

describe('pinningCanonicalJson', () => {
  it('writes sorted keys without whitespace: a fixed vector other implementations can check against', () => {
    const value = { b: [3, { z: null, a: 'é' }], a: { y: true, x: -0 }, '': 1.5, skipped: undefined };
    expect(pinningCanonicalJson(value)).toBe('{"":1.5,"a":{"x":0,"y":true},"b":[3,{"a":"é","z":null}]}');
  });

  it('means the same data as JSON.stringify, and is a fixed point', () => {
    fc.assert(
      fc.property(json, (value) => {
        const text = pinningCanonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(pinningCanonicalJson(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 100 },
    );
  });

  it('walks 50,000 levels of nesting without overflowing the stack', () => {
    let deep: unknown = {};
    for (let level = 0; level < 50_000; level += 1) deep = level % 2 === 0 ? [deep] : { d: deep };
    const text = pinningCanonicalJson(deep);
    expect(text.startsWith('{"d":[{"d":[')).toBe(true);
    expect(text).toHaveLength(25_000 * 2 + 25_000 * 6 + 2);
  });

  it('rejects cycles and bigints with invalid_tool, but accepts shared sub-objects', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => pinningCanonicalJson(cyclic)).toThrow(expect.objectContaining({ code: 'invalid_tool' }));
    expect(() => pinningCanonicalJson({ n: 1n })).toThrow(expect.objectContaining({ code: 'invalid_tool' }));
    const shared = { type: 'string' };
    expect(pinningCanonicalJson({ a: shared, b: [shared] })).toBe(
      '{"a":{"type":"string"},"b":[{"type":"string"}]}',
    );
  });
});

describe('toolDefinitionHash', () => {
  it('is the SHA-256 hex of the canonical JSON of the pinned members', () => {
    const tool = {
      name: 'search',
      description: 'Find things',
      inputSchema: { type: 'object', properties: { q: { type: 'string' } } },
      handler: async () => 'ignored',
      _meta: { ignored: true },
    };
    const canonical =
      '{"description":"Find things","inputSchema":{"properties":{"q":{"type":"string"}},"type":"object"},"name":"search"}';
    expect(toolDefinitionHash(tool)).toBe(sha256(canonical));
    expect(toolDefinitionHash(tool)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order, and treats undefined members as absent', () => {
    fc.assert(
      fc.property(toolArb, fc.nat(10), (tool, seed) => {
        const shuffled = reordered(tool, seed) as PinnableToolDefinition;
        expect(toolDefinitionHash(shuffled)).toBe(toolDefinitionHash(tool));
        expect(toolDefinitionHash({ ...tool, description: undefined })).toBe(
          toolDefinitionHash(
            Object.fromEntries(
              Object.entries(tool).filter(([key]) => key !== 'description'),
            ) as PinnableToolDefinition,
          ),
        );
        expect(diffToolDefinitions(tool, shuffled)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('changes when any pinned member changes, and the diff names exactly that member', () => {
    const replacement: Record<PinnedToolField, fc.Arbitrary<unknown>> = {
      name: fc.string({ maxLength: 10 }),
      description: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      inputSchema: fc.option(objectJson, { nil: undefined }),
      outputSchema: fc.option(objectJson, { nil: undefined }),
      annotations: fc.option(objectJson, { nil: undefined }),
    };
    const changed = fc.tuple(toolArb, fc.constantFrom(...PINNED_TOOL_FIELDS)).chain(([tool, field]) =>
      replacement[field].map((value) => ({
        tool,
        field,
        after: { ...tool, [field]: value } as PinnableToolDefinition,
      })),
    );
    fc.assert(
      fc.property(changed, ({ tool, field, after }) => {
        const same =
          pinningCanonicalJson(tool[field] ?? null) === pinningCanonicalJson(after[field] ?? null) &&
          (tool[field] === undefined) === (after[field] === undefined);
        fc.pre(!same);
        expect(toolDefinitionHash(after)).not.toBe(toolDefinitionHash(tool));
        expect(diffToolDefinitions(tool, after)).toEqual([field]);
      }),
      { numRuns: 150 },
    );
  });

  it('has an empty diff exactly when the hashes are equal', () => {
    fc.assert(
      fc.property(toolArb, toolArb, (left, right) => {
        const mixed = { ...left, description: right.description, annotations: right.annotations };
        for (const other of [right, mixed]) {
          const equalHashes = toolDefinitionHash(left) === toolDefinitionHash(other);
          expect(diffToolDefinitions(left, other).length === 0).toBe(equalHashes);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('names several changed members in a fixed order, and pins registered tools the same as their definition', () => {
    const before = {
      name: 'a',
      description: 'old',
      inputSchema: { type: 'object' },
      annotations: { readOnlyHint: true },
    };
    const after = { name: 'a', description: 'new', inputSchema: { type: 'object', required: ['x'] } };
    expect(diffToolDefinitions(before, after)).toEqual(['description', 'inputSchema', 'annotations']);
    const registry = new VersionedToolRegistry({ logger: recordingLogger(), namespaces: { c: '' } });
    const upstream = upstreamTool('search', { annotations: { readOnlyHint: true } });
    registry.replaceConnectorTools('c', [upstream]);
    const registered = registry.getTool('search');
    expect(registered && toolDefinitionHash(registered)).toBe(toolDefinitionHash(upstream));
  });
});
