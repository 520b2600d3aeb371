import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';

/**
 * Everything one connector serves, as its upstream listed it (upstream names and URIs), and the instructions it gave
 * in `initialize`. The unit the host registers, persists for the warm start and shares through the fleet.
 */
export interface ServedCatalogue {
  readonly tools: readonly Tool[];
  readonly resources: readonly Resource[];
  readonly resourceTemplates: readonly ResourceTemplate[];
  readonly prompts: readonly Prompt[];
  readonly instructions?: string | undefined;
}

/** How many items of each kind a catalogue holds (for `/status`, the status page and `mcp-host tools`). */
export interface CatalogueCounts {
  readonly toolCount: number;
  readonly resourceCount: number;
  readonly resourceTemplateCount: number;
  readonly promptCount: number;
}

/** A catalogue with nothing in it. */
export const EMPTY_CATALOGUE: ServedCatalogue = Object.freeze({
  tools: [],
  resources: [],
  resourceTemplates: [],
  prompts: [],
});

/** The item counts of `catalogue` (all 0 for none). */
export function catalogueCounts(catalogue: ServedCatalogue | undefined): CatalogueCounts {
  return {
    toolCount: catalogue?.tools.length ?? 0,
    resourceCount: catalogue?.resources.length ?? 0,
    resourceTemplateCount: catalogue?.resourceTemplates.length ?? 0,
    promptCount: catalogue?.prompts.length ?? 0,
  };
}
