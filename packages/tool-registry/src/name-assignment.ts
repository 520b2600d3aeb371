import type { KindSpec } from './catalogue-kinds.js';
import { MCP_TOOL_NAME_MAX_LENGTH, shortHash, withSuffix } from './tool-name.js';
import type { ToolRegistryWarning } from './warning-types.js';

/** One item of a connector asking for a public name (or URI). */
export interface NameClaim {
  /** Position in the connector's list; the result keeps this order. */
  readonly index: number;
  /** The upstream name or URI (for a `registerTool` name, the public name itself). */
  readonly original: string;
  /** The public name or URI it asks for. */
  readonly name: string;
  /** True when `name` lost information on the way (it carries a hash). */
  readonly lossy: boolean;
  /** A `registerTool` name: claims before every other and is never renamed. */
  readonly fixed: boolean;
}

/** Who is asking, and who owns names outside this connector. */
export interface NamingContext {
  readonly spec: KindSpec;
  readonly connectorId: string;
  /** The connector that owns `name` outside this naming step, if any. */
  readonly ownerOf: (name: string) => string | undefined;
}

/** The public name of each claim that got one (by `index`), and the collisions resolved on the way. */
export interface AssignedNames {
  readonly names: ReadonlyMap<number, string>;
  readonly warnings: readonly ToolRegistryWarning[];
}

/**
 * Resolves one connector's claims by the documented collision rules:
 * 1. within the connector, a name already claimed gets a further hash suffix (tools, prompts) or is left
 *    out (URIs: a URI cannot be renamed). Fixed names claim first, then unchanged ones, then the rest in
 *    code-unit order of their originals, so the outcome depends on the set, never on upstream's order;
 * 2. a name owned by another connector stays with that connector and this item is left out.
 */
export function assignNames(context: NamingContext, claims: readonly NameClaim[]): AssignedNames {
  const warnings: ToolRegistryWarning[] = [];
  const taken = new Map<string, string>();
  const names = new Map<number, string>();
  for (const claim of [...claims].sort(claimOrder)) {
    const name = resolveWithinConnector(context, claim, taken, warnings);
    if (name === undefined) continue;
    taken.set(name, claim.original);
    const owner = context.ownerOf(name);
    if (owner !== undefined && owner !== context.connectorId) {
      warnings.push(acrossConnectors(context, claim.original, name, owner));
      continue;
    }
    names.set(claim.index, name);
  }
  return { names, warnings };
}

function claimOrder(left: NameClaim, right: NameClaim): number {
  if (left.fixed !== right.fixed) return left.fixed ? -1 : 1;
  if (left.lossy !== right.lossy) return left.lossy ? 1 : -1;
  if (left.original === right.original) return 0;
  return left.original < right.original ? -1 : 1;
}

function resolveWithinConnector(
  context: NamingContext,
  claim: NameClaim,
  taken: ReadonlyMap<string, string>,
  warnings: ToolRegistryWarning[],
): string | undefined {
  const { spec, connectorId } = context;
  const winner = taken.get(claim.name);
  if (winner === undefined) return claim.name;
  const about = { kind: spec.kind, connectorId, originalName: claim.original, otherOriginalName: winner };
  if (spec.naming === 'uri') {
    warnings.push({
      ...about,
      code: 'uri_collision_within_connector',
      message: `Connector "${connectorId}": ${spec.label.toLowerCase()} "${claim.original}" would be published as "${claim.name}", which its "${winner}" already is; it is not registered. Rename one upstream.`,
      name: claim.name,
    });
    return undefined;
  }
  let attempt = 1;
  let name = disambiguated(claim, attempt);
  while (taken.has(name)) {
    attempt += 1;
    name = disambiguated(claim, attempt);
  }
  const what = spec.kind === 'tools' ? 'tools' : 'prompts';
  warnings.push({
    ...about,
    code: 'name_collision_within_connector',
    message: `Connector "${connectorId}": ${what} "${winner}" and "${claim.original}" both map to "${claim.name}"; "${claim.original}" is published as "${name}". Rename one upstream for stable names.`,
    name: claim.name,
    assignedName: name,
  });
  return name;
}

function disambiguated(claim: NameClaim, attempt: number): string {
  return withSuffix(claim.name, shortHash(`${claim.original}\u0000${attempt}`), MCP_TOOL_NAME_MAX_LENGTH);
}

function acrossConnectors(context: NamingContext, originalName: string, name: string, owner: string) {
  const { spec, connectorId } = context;
  const isUri = spec.naming === 'uri';
  return {
    code: isUri ? 'uri_collision_across_connectors' : 'name_collision_across_connectors',
    message: `${spec.label} "${originalName}" of connector "${connectorId}" maps to "${name}", which connector "${owner}" already serves; it is not registered. Give one of the connectors a different namespace${isUri ? " or use prefix: 'always'" : ''}.`,
    kind: spec.kind,
    connectorId,
    originalName,
    name,
    otherConnectorId: owner,
  } as const satisfies ToolRegistryWarning;
}
