import type { CatalogueKind } from './catalogue-kind.js';

/** Stable codes of {@link ToolRegistryWarning}. */
export type ToolRegistryWarningCode =
  | 'name_collision_within_connector'
  | 'name_collision_across_connectors'
  | 'duplicate_original_name'
  | 'too_many_tools'
  | 'too_many_items'
  | 'text_truncated'
  | 'schema_too_deep'
  | 'schema_too_large'
  | 'invalid_tool'
  | 'invalid_item'
  | 'invalid_uri'
  | 'uri_too_long'
  | 'uri_collision_within_connector'
  | 'uri_collision_across_connectors'
  | 'uri_prefix_collision';

/**
 * Something a replace resolved by its documented rules instead of failing the whole set; also logged with
 * `logger.warn`. The connector's other items are registered either way. For resources and templates,
 * `originalName` and `name` hold the upstream and the public URI (template).
 *
 * - `name_collision_within_connector`: two upstream names of one connector map to `name`; this tool (or
 *   prompt) was published as `assignedName` instead (the other, `otherOriginalName`, kept `name`).
 * - `name_collision_across_connectors`: `name` is owned by `otherConnectorId`; this item was NOT published.
 * - `duplicate_original_name`: the connector listed `originalName` (a name or URI) twice; only the first was
 *   kept.
 * - `too_many_tools`: the connector listed `actual` tools, over `limit` (`maxToolsPerConnector`); the
 *   entries from position `index` on, starting with `originalName`, were NOT published.
 * - `too_many_items`: the same for resources, templates or prompts (`maxResourcesPerConnector`,
 *   `maxResourceTemplatesPerConnector`, `maxPromptsPerConnector`).
 * - `text_truncated`: this item's `field` (`description`, `title`, and for resources and templates `name`
 *   and `mimeType`) was `actual` UTF-8 bytes, over `limit` (`maxDescriptionBytes`); it was published cut to
 *   fit, ending in `…`.
 * - `schema_too_deep`: this item's JSON member `field` (`inputSchema`, `outputSchema`, `annotations`,
 *   `icons`, `execution`, `arguments` or `_meta`) nests deeper than `limit` (`maxSchemaDepth`); the item
 *   was NOT published.
 * - `schema_too_large`: this item's `field` has more than `limit` bytes of JSON (`maxSchemaBytes`); the
 *   item was NOT published.
 * - `invalid_tool`: with `onInvalidTool: 'skip'`, tool entry `index` is malformed (the message says how);
 *   it was NOT published.
 * - `invalid_item`: the same for a resource, template or prompt entry.
 * - `invalid_uri`: with `onInvalidTool: 'skip'`, entry `index` has a `uri` (`uriTemplate`) that is not a
 *   string starting with a scheme (or not a template the MCP SDK can parse); it was NOT published.
 * - `uri_too_long`: the upstream URI (template) is `actual` UTF-8 bytes, over `limit` (`maxUriBytes`); it
 *   was NOT published.
 * - `uri_collision_within_connector`: with `prefix: 'conditional'`, a bare URI of the connector equals the
 *   prefixed form of another of its URIs (`otherOriginalName`); this one was NOT published.
 * - `uri_collision_across_connectors`: the public URI `name` is served by `otherConnectorId`; this item
 *   was NOT published.
 * - `uri_prefix_collision`: the connector's URI prefix is already `otherConnectorId`'s (their namespaces
 *   derive the same prefix), so `actual` items of this kind that need the prefix, starting with
 *   `originalName`, were NOT published (one warning per kind). Give one of the connectors another namespace.
 */
export interface ToolRegistryWarning {
  readonly code: ToolRegistryWarningCode;
  readonly message: string;
  /** Which list the item belongs to; `'tools'` for every tool warning. */
  readonly kind: CatalogueKind;
  readonly connectorId: string;
  /** The item's upstream name (or URI); `''` for an entry without one. */
  readonly originalName: string;
  /**
   * The public name (or URI) concerned: the contested one for collisions; for an item left out or cut by a
   * limit, the one it would have been published under (before collision handling); `''` without one.
   */
  readonly name: string;
  readonly assignedName?: string;
  readonly otherConnectorId?: string;
  readonly otherOriginalName?: string;
  /** Position of the entry in the list the connector gave (limit, `invalid_*` and `uri_*` warnings). */
  readonly index?: number;
  /** The member of the definition concerned (`text_truncated`, `schema_too_deep`, `schema_too_large`). */
  readonly field?: string;
  /** The limit that applied (limit warnings). */
  readonly limit?: number;
  /**
   * What was measured: item count, text or URI size in UTF-8 bytes, or the number of items left out
   * (`uri_prefix_collision`). Schema walks stop as soon as they pass the limit, so for `schema_too_deep` /
   * `schema_too_large` it is how far the walk got (just past `limit`).
   */
  readonly actual?: number;
}
