import type { NamePrefixMode } from './catalogue-kind.js';
import {
  type CatalogueEntry,
  type CatalogueItem,
  entryKey,
  itemKey,
  type KindSpec,
} from './catalogue-kinds.js';
import { assignNames, type NameClaim } from './name-assignment.js';
import { wantsPrefix } from './prefix-modes.js';
import { prefixedUri } from './resource-uri.js';
import { completeMetadata } from './tool-entry.js';
import { MCP_TOOL_NAME_MAX_LENGTH, publicNameParts, type SanitisedName, sanitiseName } from './tool-name.js';
import type { ToolMetadataInput } from './types.js';
import type { ToolRegistryWarning } from './warning-types.js';

/** One entry of a connector's list as the registry keeps it between replaces. */
export type Claim =
  | { readonly source: 'upstream'; readonly item: CatalogueItem }
  | { readonly source: 'fixed'; readonly entry: CatalogueEntry };

/** A connector's list of one kind: its claims and the metadata the call gave for all of them. */
export interface KindClaims {
  readonly claims: readonly Claim[];
  readonly defaults: Partial<ToolMetadataInput> | undefined;
}

/** How one connector names its items of one kind. */
export interface KindNaming {
  readonly spec: KindSpec;
  readonly mode: NamePrefixMode;
  readonly connectorId: string;
  /** The connector's effective namespace; `''` is never prefixed. */
  readonly namespace: string;
  /** The URI prefix the connector owns (URI kinds), or the connector that owns the one it derives. */
  readonly prefix: { readonly owned?: string; readonly takenBy?: string };
  readonly isContested: (bareKey: string) => boolean;
  readonly ownerOf: (key: string) => string | undefined;
  /** The connector's entries of this kind before this step, reused when nothing visible changed. */
  readonly previous: readonly CatalogueEntry[];
}

/** The key an upstream name or URI has when not prefixed: what `conditional` counts claimants by. */
export function bareKey(spec: KindSpec, original: string): string {
  return spec.naming === 'uri' ? original : sanitiseName(original, MCP_TOOL_NAME_MAX_LENGTH).name;
}

/**
 * The bare keys a connector claims: its upstream names, and its `registerTool` names as they are (those
 * are never renamed, so another connector claiming the same name is the one prefixed).
 */
export function bareKeys(spec: KindSpec, claims: KindClaims | undefined): Set<string> {
  const keys = new Set<string>();
  for (const claim of claims?.claims ?? []) {
    keys.add(
      claim.source === 'fixed' ? entryKey(spec, claim.entry) : bareKey(spec, itemKey(spec, claim.item)),
    );
  }
  return keys;
}

/**
 * The public form of one upstream name or URI: prefixed (`ns.name`, `prefix+uri`) or bare, by the
 * prefix mode. Undefined when it must be prefixed but the connector owns no URI prefix.
 */
export function publicForm(naming: KindNaming, original: string): SanitisedName | undefined {
  const { spec, namespace } = naming;
  const prefixed = wantsPrefix(naming.mode, namespace, () => naming.isContested(bareKey(spec, original)));
  if (spec.naming === 'name') {
    return prefixed ? publicNameParts(namespace, original) : sanitiseName(original, MCP_TOOL_NAME_MAX_LENGTH);
  }
  if (!prefixed) return { name: original, lossy: false };
  const { owned } = naming.prefix;
  return owned === undefined ? undefined : { name: prefixedUri(owned, original), lossy: false };
}

/**
 * Names a connector's claims of one kind and builds its entries, in the order given: duplicates of an
 * upstream name keep the first, each name takes its public form, collisions are resolved by
 * `assignNames`, and every entry whose visible members did not change is the previous object itself.
 */
export function nameConnectorKind(
  naming: KindNaming,
  list: KindClaims,
): { entries: CatalogueEntry[]; warnings: ToolRegistryWarning[] } {
  const { spec, connectorId } = naming;
  const warnings: ToolRegistryWarning[] = [];
  const seen = new Set<string>();
  const claims: NameClaim[] = [];
  const prefixless: string[] = [];
  list.claims.forEach((claim, index) => {
    if (claim.source === 'fixed') {
      const name = entryKey(spec, claim.entry);
      claims.push({ index, original: name, name, lossy: false, fixed: true });
      return;
    }
    const original = itemKey(spec, claim.item);
    const form = publicForm(naming, original);
    if (seen.has(original)) {
      warnings.push(duplicate(naming, original, form?.name ?? original));
      return;
    }
    seen.add(original);
    if (form === undefined) prefixless.push(original);
    else claims.push({ index, original, ...form, fixed: false });
  });
  if (prefixless.length > 0) warnings.push(prefixTaken(naming, prefixless));
  const assigned = assignNames(naming, claims);
  warnings.push(...assigned.warnings);
  const previous = new Map(naming.previous.map((entry) => [entryKey(spec, entry), entry]));
  const entries: CatalogueEntry[] = [];
  for (const [index, name] of [...assigned.names].sort(([left], [right]) => left - right)) {
    const claim = list.claims[index] as Claim;
    if (claim.source === 'fixed') {
      entries.push(claim.entry);
      continue;
    }
    const metadata = completeMetadata(claim.item.metadata as Partial<ToolMetadataInput>, list.defaults, {
      connectorId,
      [spec.originalField]: itemKey(spec, claim.item),
      namespace: naming.namespace,
    });
    entries.push(spec.entry(claim.item, name, metadata as CatalogueEntry['metadata'], previous.get(name)));
  }
  return { entries, warnings };
}

function duplicate(naming: KindNaming, original: string, name: string): ToolRegistryWarning {
  const { spec, connectorId } = naming;
  const what = spec.label.toLowerCase();
  return {
    code: 'duplicate_original_name',
    message: `Connector "${connectorId}" listed ${what} "${original}" more than once; only the first is registered. Fix the upstream server's ${what} list.`,
    kind: spec.kind,
    connectorId,
    originalName: original,
    name,
  };
}

function prefixTaken(naming: KindNaming, originals: readonly string[]): ToolRegistryWarning {
  const { spec, connectorId } = naming;
  const owner = naming.prefix.takenBy ?? '';
  const [first = ''] = originals;
  return {
    code: 'uri_prefix_collision',
    message: `Connector "${connectorId}" derives the URI prefix connector "${owner}" already uses; ${originals.length} of its ${spec.kind === 'resources' ? 'resources' : 'resource templates'} that need it (first "${first}") are not registered. Give one of the connectors a different namespace.`,
    kind: spec.kind,
    connectorId,
    originalName: first,
    name: first,
    otherConnectorId: owner,
    actual: originals.length,
  };
}
