import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ConnectorCatalogueInput,
  type ToolRegistryChangeEvent,
  VersionedToolRegistry,
} from '../src/index.js';
import { recordingLogger, upstreamPrompt, upstreamResource, upstreamTool } from './fixtures.js';

// Property test for prefix: 'conditional': however a registry got to its connectors' current lists (replaces and
// removals in any order, each renaming only the connectors whose contested names flipped), it must name
// everything exactly as a fresh registry given the same lists in any other order. Names have no dots or '+', so
// no prefixed name can equal a bare one and the first-owner rule never applies.

const CONNECTORS = ['c1', 'c2', 'c3', 'c4'];
const NAMES = ['a', 'b', 'c', 'd'];

interface Listing {
  readonly tools: readonly string[];
  readonly resources: readonly string[];
  readonly prompts: readonly string[];
}

type Operation =
  | { readonly kind: 'replace'; readonly connectorId: string; readonly listing: Partial<Listing> }
  | { readonly kind: 'remove'; readonly connectorId: string };

const names = fc.subarray(NAMES);
const operationArb: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      connectorId: fc.constantFrom(...CONNECTORS),
      listing: fc.record({ tools: names, resources: names, prompts: names }, { requiredKeys: [] }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('remove' as const),
      connectorId: fc.constantFrom(...CONNECTORS),
    }),
  },
);

function catalogue(listing: Partial<Listing>): ConnectorCatalogueInput {
  return {
    ...(listing.tools && { tools: listing.tools.map((name) => upstreamTool(name)) }),
    ...(listing.resources && {
      resources: listing.resources.map((name) => upstreamResource(`file:///${name}`)),
    }),
    ...(listing.prompts && { prompts: listing.prompts.map((name) => upstreamPrompt(name)) }),
  };
}

/** Per connector, its public names and URIs, sorted (list order is registration order, which may differ). */
function named(registry: VersionedToolRegistry) {
  return CONNECTORS.map((id) => {
    const { tools, resources, prompts } = registry.getConnectorCatalogue(id);
    return [
      tools.map((item) => item.name),
      resources.map((item) => item.uri),
      prompts.map((item) => item.name),
    ].map((list) => [...list].sort());
  });
}

describe("prefix: 'conditional' incremental renaming", () => {
  it('ends in the same names as registering the final lists from scratch, in any order', () => {
    fc.assert(
      fc.property(
        fc.array(operationArb, { maxLength: 20 }),
        fc.shuffledSubarray(CONNECTORS, { minLength: CONNECTORS.length }),
        (operations, freshOrder) => {
          const registry = new VersionedToolRegistry({ logger: recordingLogger(), prefix: 'conditional' });
          const events: ToolRegistryChangeEvent[] = [];
          registry.onChange((event) => {
            events.push(event);
          });
          const lists = new Map<string, Listing>();
          for (const operation of operations) {
            const versionBefore = registry.version;
            const eventsBefore = events.length;
            if (operation.kind === 'remove') {
              registry.removeConnector(operation.connectorId);
              lists.delete(operation.connectorId);
            } else {
              const result = registry.replaceConnectorCatalogue(
                operation.connectorId,
                catalogue(operation.listing),
              );
              expect(result.warnings).toEqual([]);
              const previous = lists.get(operation.connectorId) ?? { tools: [], resources: [], prompts: [] };
              lists.set(operation.connectorId, { ...previous, ...operation.listing });
            }
            const bumps = registry.version - versionBefore;
            expect(bumps).toBeLessThanOrEqual(1);
            expect(events.length - eventsBefore).toBe(bumps);
          }
          const fresh = new VersionedToolRegistry({ logger: recordingLogger(), prefix: 'conditional' });
          for (const id of freshOrder.filter((id) => lists.has(id))) {
            fresh.replaceConnectorCatalogue(id, catalogue(lists.get(id) ?? {}));
          }
          expect(named(registry)).toEqual(named(fresh));
          for (const resource of registry.listResources()) {
            expect(registry.resolveResourceUri(resource.uri)).toEqual({
              connectorId: resource.metadata.connectorId,
              uri: resource.metadata.originalUri,
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
