/** The four lists an MCP server serves; the registry keeps each one per connector. */
export type CatalogueKind = 'tools' | 'resources' | 'resourceTemplates' | 'prompts';

/**
 * When public names and URIs carry the connector's namespace (see docs/naming.md):
 * - `'always'`: every item is prefixed (`github.search`, `notes+file:///a.txt`);
 * - `'conditional'`: an item keeps its upstream name or URI unless two or more connectors claim the same one
 *   in that kind, then every claimant is prefixed;
 * - `'never'`: upstream names and URIs as they are; a clash keeps the first owner.
 */
export type NamePrefixMode = 'always' | 'conditional' | 'never';

/** Every kind, in the order events and results list them. */
export const CATALOGUE_KINDS: readonly CatalogueKind[] = Object.freeze([
  'tools',
  'resources',
  'resourceTemplates',
  'prompts',
]);
