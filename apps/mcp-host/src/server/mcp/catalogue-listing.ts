import type {
  RegisteredPrompt,
  RegisteredResource,
  RegisteredResourceTemplate,
} from '@cortex-mcp/tool-registry';
import type { Prompt, Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';

// The registry hands out the same frozen array per kind until that kind changes, so one conversion per version is
// enough, however many sessions list.
const resources = new WeakMap<readonly RegisteredResource[], Resource[]>();
const templates = new WeakMap<readonly RegisteredResourceTemplate[], ResourceTemplate[]>();
const prompts = new WeakMap<readonly RegisteredPrompt[], Prompt[]>();

/** The `resources/list` view of a registry snapshot: each item's client-visible members, public URIs. */
export function listedResources(snapshot: readonly RegisteredResource[]): Resource[] {
  return cached(resources, snapshot, (item) => visible(item) as Resource);
}

/** The `resources/templates/list` view of a registry snapshot. */
export function listedResourceTemplates(snapshot: readonly RegisteredResourceTemplate[]): ResourceTemplate[] {
  return cached(templates, snapshot, (item) => visible(item) as ResourceTemplate);
}

/** The `prompts/list` view of a registry snapshot. */
export function listedPrompts(snapshot: readonly RegisteredPrompt[]): Prompt[] {
  return cached(prompts, snapshot, (item) => visible(item) as Prompt);
}

function cached<Item extends object, Listed>(
  cache: WeakMap<readonly Item[], Listed[]>,
  snapshot: readonly Item[],
  convert: (item: Item) => Listed,
): Listed[] {
  let listing = cache.get(snapshot);
  if (!listing) {
    listing = snapshot.map(convert);
    cache.set(snapshot, listing);
  }
  return listing;
}

/** Every member but the registry's routing `metadata`; `title`, `icons`, `annotations`, `_meta` pass unchanged. */
function visible(item: { readonly metadata: unknown }): Record<string, unknown> {
  const { metadata: _routing, ...listed } = item as { metadata: unknown } & Record<string, unknown>;
  return listed;
}
