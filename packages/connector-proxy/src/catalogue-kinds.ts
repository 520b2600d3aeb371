import type { Prompt, Resource, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';

/** One list a server offers: its tools, resources, resource templates or prompts. */
export type CatalogueKind = 'tools' | 'resources' | 'resourceTemplates' | 'prompts';

/** Everything the upstream lists, each item as the upstream sent it. */
export interface UpstreamCatalogue {
  tools: Tool[];
  resources: Resource[];
  resourceTemplates: ResourceTemplate[];
  prompts: Prompt[];
}

/** Every kind, in the order the catalogue lists them. */
export const CATALOGUE_KINDS: readonly CatalogueKind[] = [
  'tools',
  'resources',
  'resourceTemplates',
  'prompts',
];
