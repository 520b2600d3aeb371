import { CATALOGUE_KINDS, type CatalogueKind, type NamePrefixMode } from './catalogue-kind.js';
import { KIND_SPECS, type KindSpec } from './catalogue-kinds.js';
import type { ConnectorCatalogueInput } from './catalogue-types.js';
import { screenConnectorItems } from './connector-intake.js';
import { ToolRegistryError } from './errors.js';
import type { KindClaims } from './kind-naming.js';
import { prefixedUri, uriPrefixFor } from './resource-uri.js';
import type { ToolLimits } from './tool-limits.js';
import { MCP_TOOL_NAME_MAX_LENGTH, publicNameParts, sanitiseName, sanitiseNamespace } from './tool-name.js';
import type { ToolMetadataInput } from './types.js';
import type { ToolRegistryWarning } from './warning-types.js';

/** How one `replaceConnectorCatalogue()` call treats its input. */
export interface CatalogueRules {
  readonly connectorId: string;
  /** The connector's effective namespace for this call. */
  readonly namespace: string;
  readonly mode: NamePrefixMode;
  readonly limits: ToolLimits;
  readonly onInvalidTool: 'throw' | 'skip';
}

/** The screened lists of the kinds given (kinds left out are absent), and what screening left out or cut. */
export interface CatalogueIntake {
  readonly lists: Partial<Record<CatalogueKind, KindClaims>>;
  readonly warnings: readonly ToolRegistryWarning[];
}

/**
 * Screens every kind given in `catalogue` (see `screenConnectorItems`) before anything changes, so a
 * malformed entry under `onInvalidTool: 'throw'` rejects the whole call.
 *
 * @throws {ToolRegistryError} `invalid_item` when `catalogue` is not an object; `invalid_tool` /
 *   `invalid_item` when a kind is not an array or (under `'throw'`) holds a malformed entry.
 */
export function screenCatalogue(
  rules: CatalogueRules,
  catalogue: ConnectorCatalogueInput,
  defaults: Partial<ToolMetadataInput> | undefined,
): CatalogueIntake {
  const { connectorId } = rules;
  if (typeof catalogue !== 'object' || catalogue === null) {
    throw new ToolRegistryError(
      'invalid_item',
      `Catalogue of connector "${connectorId}" is not an object; pass { tools?, resources?, resourceTemplates?, prompts? }.`,
    );
  }
  const lists: Partial<Record<CatalogueKind, KindClaims>> = {};
  const warnings: ToolRegistryWarning[] = [];
  for (const kind of CATALOGUE_KINDS) {
    const items: unknown = catalogue[kind];
    if (items === undefined) continue;
    const spec = KIND_SPECS[kind];
    if (!Array.isArray(items)) {
      const what = kind === 'tools' ? 'Tools' : `The ${kind} list`;
      throw new ToolRegistryError(
        spec.invalidCode,
        `${what} of connector "${connectorId}" must be an array.`,
      );
    }
    const intake = screenConnectorItems({ ...rules, wouldBe: wouldBe(rules, spec) }, spec, items);
    lists[kind] = { claims: intake.items.map((item) => ({ source: 'upstream', item })), defaults };
    warnings.push(...intake.warnings);
  }
  return { lists, warnings };
}

/**
 * The effective namespace of a connector for one call: the call's, else the constructor's
 * `namespaces[connectorId]`, else the id; sanitised like a tool name ('' stays '').
 *
 * @throws {ToolRegistryError} `invalid_namespace` when it is not a string.
 */
export function connectorNamespace(
  connectorId: string,
  explicit: string | undefined,
  defaults: ReadonlyMap<string, string>,
): string {
  const namespace = explicit ?? defaults.get(connectorId) ?? connectorId;
  if (typeof namespace !== 'string') {
    throw new ToolRegistryError(
      'invalid_namespace',
      `Namespace of connector "${connectorId}" is not a string; pass a string ('' for bare tool names).`,
    );
  }
  return sanitiseNamespace(namespace);
}

/** The name (or URI) an upstream one would be published under if nothing collides, for warnings. */
function wouldBe(rules: CatalogueRules, spec: KindSpec): (original: string) => string {
  const prefixed = rules.mode === 'always';
  if (spec.naming === 'name') {
    return (original) =>
      prefixed
        ? publicNameParts(rules.namespace, original).name
        : sanitiseName(original, MCP_TOOL_NAME_MAX_LENGTH).name;
  }
  const prefix = prefixed ? uriPrefixFor(rules.namespace) : undefined;
  return (original) => (prefix === undefined ? original : prefixedUri(prefix, original));
}
