import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ConnectorToolDefinition,
  isValidMcpToolName,
  publicToolName,
  type ToolRegistryChangeEvent,
  ToolRegistryError,
  VersionedToolRegistry,
} from '../src/index.js';
import { recordingLogger, routeTo, toolsEvent } from './fixtures.js';
import {
  change,
  expectReplace,
  type Listing,
  type ModelTool,
  modelTool,
  setConnector,
} from './registry-model.js';

// Model-based property test: random operation sequences run against the registry and against a plain
// Map that follows the README's rules; after every step the two must agree and the invariants hold.

/** p and q publish bare names (so they fight over the same ones); r's `x.` prefix meets the literal `x.y`. */
const NAMESPACES: Record<string, string> = { p: '', q: '', r: 'x' };
const CONNECTORS = Object.keys(NAMESPACES);
/** A literal upstream name equal to what "a b" sanitises to: the within-connector collision case. */
const LOSSY_LITERAL = publicToolName('', 'a b');
const UPSTREAM_NAMES = ['a', 'b', 'y', 'x.y', 'a b', 'a_b', 'a:b', LOSSY_LITERAL, 'café', 'cafe', '', ' '];
const REGISTERED_NAMES = ['a', 'b', 'y', 'x.y', 'x.a', 'a_b', LOSSY_LITERAL];
const DESCRIPTIONS = ['one', 'two', undefined];
const SCHEMA = Object.freeze({
  type: 'object',
  properties: Object.freeze({ q: { type: 'string' } }),
} as const);

type Operation =
  | { readonly kind: 'replace'; readonly connectorId: string; readonly tools: Listing }
  | { readonly kind: 'relist'; readonly connectorId: string }
  | {
      readonly kind: 'register';
      readonly connectorId: string;
      readonly name: string;
      readonly description?: string;
    }
  | { readonly kind: 'unregister'; readonly pick: number }
  | { readonly kind: 'removeConnector'; readonly connectorId: string };

const connectorArb = fc.constantFrom(...CONNECTORS);
const descriptionArb = fc.constantFrom(...DESCRIPTIONS);
const upstreamNameArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...UPSTREAM_NAMES) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
);
const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      connectorId: connectorArb,
      tools: fc.array(fc.record({ name: upstreamNameArb, description: descriptionArb }), { maxLength: 6 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('relist' as const), connectorId: connectorArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('register' as const),
      connectorId: connectorArb,
      name: fc.constantFrom(...REGISTERED_NAMES),
      description: descriptionArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unregister' as const), pick: fc.nat(20) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('removeConnector' as const), connectorId: connectorArb }),
  },
);

function assertInvariants(registry: VersionedToolRegistry, model: Map<string, ModelTool[]>): void {
  const snapshot = registry.listTools();
  expect(Object.isFrozen(snapshot)).toBe(true);
  const names = new Set<string>();
  for (const tool of snapshot) {
    expect(Object.isFrozen(tool) && Object.isFrozen(tool.metadata) && Object.isFrozen(tool.inputSchema)).toBe(
      true,
    );
    expect(isValidMcpToolName(tool.name)).toBe(true);
    expect(names.has(tool.name)).toBe(false);
    names.add(tool.name);
    expect(registry.getTool(tool.name)).toBe(tool);
    const owners = CONNECTORS.filter((id) => registry.getConnectorTools(id).includes(tool));
    expect(owners).toEqual([tool.metadata.connectorId]);
  }
  const perConnector = CONNECTORS.reduce((sum, id) => sum + registry.getConnectorTools(id).length, 0);
  expect(perConnector).toBe(snapshot.length);
  expect(snapshot.map(modelTool)).toEqual([...model.values()].flat());
}

function freshListing(listing: Listing): ConnectorToolDefinition[] {
  // Fresh handler closures on every call, as the host's periodic re-list brings them.
  return listing.map(({ name, description }) => ({
    name,
    description,
    inputSchema: SCHEMA,
    handler: routeTo(name),
  }));
}

/** Runs one operation on both sides; returns the change the model expects (undefined: a rejected call). */
function step(
  registry: VersionedToolRegistry,
  model: Map<string, ModelTool[]>,
  listings: Map<string, Listing>,
  operation: Operation,
): ReturnType<typeof change> | undefined {
  if (operation.kind === 'unregister') {
    const all = registry.listTools();
    const name = all[operation.pick % (all.length + 1)]?.name ?? 'not.registered';
    const owner = [...model.values()].flat().find((tool) => tool.name === name);
    expect(registry.unregisterTool(name)).toBe(owner !== undefined);
    if (owner === undefined) return change([], []);
    const previous = model.get(owner.connectorId) ?? [];
    setConnector(
      model,
      owner.connectorId,
      previous.filter((tool) => tool.name !== name),
    );
    return change(previous, model.get(owner.connectorId) ?? []);
  }
  const { connectorId } = operation;
  const previous = model.get(connectorId) ?? [];
  if (operation.kind === 'removeConnector') {
    expect(registry.removeConnector(connectorId)).toEqual(previous.map((tool) => tool.name));
    model.delete(connectorId);
    return change(previous, []);
  }
  if (operation.kind === 'register') {
    const owner = [...model.values()].flat().find((tool) => tool.name === operation.name);
    const definition = {
      name: operation.name,
      description: operation.description,
      inputSchema: SCHEMA,
      handler: routeTo(operation.name),
      metadata: { connectorId },
    };
    if (owner !== undefined && owner.connectorId !== connectorId) {
      expect(() => registry.registerTool(definition)).toThrow(
        expect.objectContaining({ code: 'name_collision' }),
      );
      return undefined;
    }
    const entry = registry.registerTool(definition);
    expect(entry.handler).toBe(definition.handler);
    const tool = modelTool(entry);
    expect(tool).toEqual({
      name: operation.name,
      connectorId,
      originalName: operation.name,
      description: operation.description,
      namespace: undefined,
    });
    const next =
      owner === undefined
        ? [...previous, tool]
        : previous.map((old) => (old.name === tool.name ? tool : old));
    setConnector(model, connectorId, next);
    return change(previous, next);
  }
  const listing = operation.kind === 'replace' ? operation.tools : (listings.get(connectorId) ?? []);
  listings.set(connectorId, listing);
  const given = freshListing(listing);
  const result = registry.replaceConnectorTools(connectorId, given);
  expect(Object.isFrozen(result) && Object.isFrozen(result.warnings)).toBe(true);
  const hashedName = (originalName: string) =>
    result.warnings.find(
      (warning) =>
        warning.code === 'name_collision_within_connector' && warning.originalName === originalName,
    )?.assignedName;
  const namespace = NAMESPACES[connectorId] ?? connectorId;
  const expected = expectReplace(model, connectorId, namespace, listing, hashedName);
  expect(result.warnings.map((warning) => warning.code).sort()).toEqual(expected.warningCodes);
  const next = [...expected.next];
  expect(result.tools).toEqual(next.map((tool) => tool.name));
  for (const tool of next) {
    // Handler-only changes are swapped in at once, bump or not.
    const handler = given.find((definition) => definition.name === tool.originalName)?.handler;
    expect(registry.getTool(tool.name)?.handler).toBe(handler);
  }
  setConnector(model, connectorId, next);
  const expectedChange = change(previous, next);
  expect({ added: result.added, removed: result.removed, changed: result.changed }).toEqual(expectedChange);
  return expectedChange;
}

describe('VersionedToolRegistry against a model', () => {
  it('keeps names unique and owned once, bumps once per effective change, and matches the model after every step', () => {
    fc.assert(
      fc.property(fc.array(operationArb, { minLength: 1, maxLength: 25 }), (operations) => {
        const registry = new VersionedToolRegistry({ logger: recordingLogger(), namespaces: NAMESPACES });
        const events: ToolRegistryChangeEvent[] = [];
        registry.onChange((event) => {
          events.push(event);
        });
        const model = new Map<string, ModelTool[]>();
        const listings = new Map<string, Listing>();
        for (const operation of operations) {
          const versionBefore = registry.version;
          const snapshotBefore = registry.listTools();
          const namesBefore = snapshotBefore.map((tool) => tool.name);
          const eventsBefore = events.length;
          const expected = step(registry, model, listings, operation);
          const effective =
            expected !== undefined &&
            expected.added.length + expected.removed.length + expected.changed.length > 0;
          expect(registry.version).toBe(versionBefore + (effective ? 1 : 0));
          expect(events.slice(eventsBefore)).toEqual(
            effective ? [toolsEvent(versionBefore + 1, expected)] : [],
          );
          // A held snapshot never changes, whatever happened since.
          expect(snapshotBefore.map((tool) => tool.name)).toEqual(namesBefore);
          assertInvariants(registry, model);
        }
      }),
      {
        numRuns: 150,
        examples: [
          // Found by this property: two bare-namespace connectors listing the same colliding pair. The
          // second one's hashed name is the first one's too, so it is left out (with a warning) as well.
          [
            [
              {
                kind: 'replace',
                connectorId: 'q',
                tools: [
                  { name: 'a b', description: 'one' },
                  { name: LOSSY_LITERAL, description: 'one' },
                ],
              },
              {
                kind: 'replace',
                connectorId: 'p',
                tools: [
                  { name: LOSSY_LITERAL, description: 'one' },
                  { name: 'a b', description: 'one' },
                ],
              },
            ],
          ],
        ],
      },
    );
  });

  it('changes nothing at all when a call is rejected', () => {
    fc.assert(
      fc.property(
        fc.array(operationArb, { maxLength: 10 }),
        fc.constantFrom(...CONNECTORS),
        (operations, connectorId) => {
          const registry = new VersionedToolRegistry({ logger: recordingLogger(), namespaces: NAMESPACES });
          const model = new Map<string, ModelTool[]>();
          for (const operation of operations) step(registry, model, new Map(), operation);
          const snapshot = registry.listTools();
          const version = registry.version;
          const broken = { name: 'broken', inputSchema: { type: 'string' }, handler: routeTo('broken') };
          const call = () =>
            registry.replaceConnectorTools(connectorId, [
              ...freshListing([{ name: 'fine', description: 'one' }]),
              broken as unknown as ConnectorToolDefinition,
            ]);
          expect(call).toThrow(ToolRegistryError);
          expect(registry.listTools()).toBe(snapshot);
          expect(registry.version).toBe(version);
        },
      ),
      { numRuns: 50 },
    );
  });
});
