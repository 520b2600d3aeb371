import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidMcpToolName, publicToolName, toMcpToolName, VersionedToolRegistry } from '../src/index.js';
import { MCP_NAMESPACE_MAX_LENGTH, MCP_TOOL_NAME_MAX_LENGTH } from '../src/tool-name.js';
import { recordingLogger, upstreamTool } from './fixtures.js';

/** The documented rule, written out independently of the package: 1–64 of A-Z a-z 0-9 _ - . */
const MCP_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const hash8 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);

/** Any UTF-16 code unit, lone surrogates included: what a broken upstream could send. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
/** Mostly valid characters with a few that are not: names one step from valid, where bugs hide. */
const nearlyValidName = fc.string({
  unit: fc.constantFrom(...'ab_.-9 :/é\u0301🔍'.split('')),
  maxLength: 30,
});
const anyName = fc.oneof(
  nearlyValidName,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: codeUnit, maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 120, maxLength: 140 }),
);
const validName = fc.string({
  unit: fc.constantFrom(...'abcXYZ019_.-'.split('')),
  minLength: 1,
  maxLength: MCP_TOOL_NAME_MAX_LENGTH,
});

describe('toMcpToolName properties', () => {
  it('always yields a valid MCP tool name, and the same one for the same input', () => {
    fc.assert(
      fc.property(anyName, (name) => {
        const sanitised = toMcpToolName(name);
        expect(sanitised).toMatch(MCP_NAME);
        expect(isValidMcpToolName(sanitised)).toBe(true);
        expect(toMcpToolName(name)).toBe(sanitised);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps valid names as they are and marks every changed name with the hash of the original', () => {
    fc.assert(
      fc.property(fc.oneof(anyName, validName), (name) => {
        const sanitised = toMcpToolName(name);
        if (MCP_NAME.test(name)) expect(sanitised).toBe(name);
        else expect(sanitised.endsWith(`_${hash8(name)}`)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('builds public names within 64 characters, the namespace within 32, both parts valid', () => {
    fc.assert(
      fc.property(fc.oneof(anyName, validName), anyName, (namespace, original) => {
        const name = publicToolName(namespace, original);
        expect(name).toMatch(MCP_NAME);
        expect(publicToolName(namespace, original)).toBe(name);
        if (namespace === '') {
          expect(name).toBe(toMcpToolName(original));
          return;
        }
        // The namespace part is what a one-letter, already valid tool name gets in front of it.
        const prefix = publicToolName(namespace, 'x').slice(0, -2);
        expect(prefix.length).toBeLessThanOrEqual(MCP_NAMESPACE_MAX_LENGTH);
        expect(prefix).toMatch(MCP_NAME);
        expect(name.startsWith(`${prefix}.`)).toBe(true);
        if (MCP_NAME.test(namespace) && namespace.length <= MCP_NAMESPACE_MAX_LENGTH)
          expect(prefix).toBe(namespace);
      }),
      { numRuns: 200 },
    );
  });
});

/** Upstream lists built to collide: each name next to its own sanitised form and a punctuation variant. */
const collidingList = fc
  .array(fc.oneof(anyName, fc.constantFrom('a b', 'a:b', 'a_b', 'café', 'cafe')), {
    minLength: 1,
    maxLength: 8,
  })
  .map((names) => names.flatMap((name) => [name, toMcpToolName(name), name.replace(/[^A-Za-z]/g, ':')]));

describe('collisions after sanitising', () => {
  it('registers every distinct upstream name of a connector once, under its own name, and warns about each rename', () => {
    fc.assert(
      fc.property(collidingList, fc.constantFrom('', 'ns'), (names, namespace) => {
        const registry = new VersionedToolRegistry({ logger: recordingLogger() });
        const result = registry.replaceConnectorTools(
          'c',
          names.map((name) => upstreamTool(name)),
          { namespace },
        );
        const distinct = new Set(names);
        for (const name of result.tools) expect(name).toMatch(MCP_NAME);
        expect(result.tools).toHaveLength(distinct.size);
        expect(new Set(result.tools).size).toBe(distinct.size);
        const originals = result.tools.map((name) => registry.getTool(name)?.metadata.originalName);
        expect(new Set(originals)).toEqual(distinct);
        const renamed = result.tools.filter((name) => {
          const original = registry.getTool(name)?.metadata.originalName ?? '';
          return name !== publicToolName(namespace, original);
        });
        const within = result.warnings.filter(
          (warning) => warning.code === 'name_collision_within_connector',
        );
        expect(within.map((warning) => warning.assignedName).sort()).toEqual(renamed.sort());
        const duplicates = result.warnings.filter((warning) => warning.code === 'duplicate_original_name');
        expect(duplicates).toHaveLength(names.length - distinct.size);
        expect(within.length + duplicates.length).toBe(result.warnings.length);
      }),
      { numRuns: 100 },
    );
  });

  it('never lets two connectors share a name: every tool left out is named in a warning', () => {
    fc.assert(
      fc.property(collidingList, collidingList, (first, second) => {
        const registry = new VersionedToolRegistry({
          logger: recordingLogger(),
          namespaces: { one: '', two: '' },
        });
        registry.replaceConnectorTools(
          'one',
          first.map((name) => upstreamTool(name)),
        );
        const result = registry.replaceConnectorTools(
          'two',
          second.map((name) => upstreamTool(name)),
        );
        const published = new Set(result.tools.map((name) => registry.getTool(name)?.metadata.originalName));
        const leftOut = [...new Set(second)].filter((name) => !published.has(name));
        const across = result.warnings.filter(
          (warning) => warning.code === 'name_collision_across_connectors',
        );
        expect(across.map((warning) => warning.originalName).sort()).toEqual(leftOut.sort());
        for (const warning of across) {
          expect(registry.getTool(warning.name)?.metadata.connectorId).toBe('one');
          expect(warning.otherConnectorId).toBe('one');
        }
        const all = registry.listTools().map((tool) => tool.name);
        expect(new Set(all).size).toBe(all.length);
      }),
      { numRuns: 100 },
    );
  });

  it('assigns the same names whatever order upstream lists the tools in', () => {
    fc.assert(
      fc.property(
        collidingList.chain((names) =>
          fc.tuple(fc.constant(names), fc.shuffledSubarray(names, { minLength: names.length })),
        ),
        ([names, shuffled]) => {
          const mapping = (list: string[]) => {
            const registry = new VersionedToolRegistry({ logger: recordingLogger() });
            registry.replaceConnectorTools(
              'c',
              list.map((name) => upstreamTool(name)),
            );
            return new Map(registry.listTools().map((tool) => [tool.metadata.originalName, tool.name]));
          };
          expect(mapping(shuffled)).toEqual(mapping(names));
        },
      ),
      { numRuns: 100 },
    );
  });
});
