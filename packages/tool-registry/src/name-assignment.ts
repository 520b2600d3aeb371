import { MCP_TOOL_NAME_MAX_LENGTH, publicNameParts, shortHash, withSuffix } from './tool-name.js';
import type { ConnectorToolDefinition, ToolRegistryWarning } from './types.js';

/** One upstream tool and the public name it gets. */
export interface NameAssignment {
  readonly tool: ConnectorToolDefinition;
  readonly name: string;
}

/** Public names for one connector's set, and the collisions resolved on the way. */
export interface ConnectorNames {
  /** In the order the tools were given; rejected tools are left out. */
  readonly assigned: readonly NameAssignment[];
  readonly warnings: readonly ToolRegistryWarning[];
}

interface Claim {
  readonly tool: ConnectorToolDefinition;
  readonly index: number;
  readonly name: string;
  readonly lossy: boolean;
}

/**
 * Names a connector's tool set by the documented collision rules:
 * 1. an upstream name listed twice keeps its first occurrence;
 * 2. within the connector, a name that sanitises to a public name already claimed gets a further hash
 *    suffix. Unchanged names claim first, then the rest in code-unit order of their original names, so
 *    the outcome depends on the set only, never on the order upstream listed it;
 * 3. a public name owned by another connector stays with that connector and this tool is left out.
 */
export function assignConnectorNames(
  connectorId: string,
  namespace: string,
  tools: readonly ConnectorToolDefinition[],
  ownerOf: (name: string) => string | undefined,
): ConnectorNames {
  const warnings: ToolRegistryWarning[] = [];
  const claims = uniqueClaims(connectorId, namespace, tools, warnings);
  const taken = new Map<string, string>();
  const named: { index: number; assignment: NameAssignment }[] = [];
  for (const claim of [...claims].sort(claimOrder)) {
    const name = resolveWithinConnector(connectorId, claim, taken, warnings);
    taken.set(name, claim.tool.name);
    const owner = ownerOf(name);
    if (owner !== undefined && owner !== connectorId) {
      warnings.push(acrossConnectors(connectorId, claim.tool.name, name, owner));
      continue;
    }
    named.push({ index: claim.index, assignment: { tool: claim.tool, name } });
  }
  named.sort((left, right) => left.index - right.index);
  return { assigned: named.map((entry) => entry.assignment), warnings };
}

function uniqueClaims(
  connectorId: string,
  namespace: string,
  tools: readonly ConnectorToolDefinition[],
  warnings: ToolRegistryWarning[],
): Claim[] {
  const seen = new Set<string>();
  const claims: Claim[] = [];
  tools.forEach((tool, index) => {
    const parts = publicNameParts(namespace, tool.name);
    if (seen.has(tool.name)) {
      warnings.push({
        code: 'duplicate_original_name',
        message: `Connector "${connectorId}" listed tool "${tool.name}" more than once; only the first is registered. Fix the upstream server's tool list.`,
        connectorId,
        originalName: tool.name,
        name: parts.name,
      });
      return;
    }
    seen.add(tool.name);
    claims.push({ tool, index, ...parts });
  });
  return claims;
}

function claimOrder(left: Claim, right: Claim): number {
  if (left.lossy !== right.lossy) return left.lossy ? 1 : -1;
  if (left.tool.name === right.tool.name) return 0;
  return left.tool.name < right.tool.name ? -1 : 1;
}

function resolveWithinConnector(
  connectorId: string,
  claim: Claim,
  taken: ReadonlyMap<string, string>,
  warnings: ToolRegistryWarning[],
): string {
  const winner = taken.get(claim.name);
  if (winner === undefined) return claim.name;
  let attempt = 1;
  let name = disambiguated(claim, attempt);
  while (taken.has(name)) {
    attempt += 1;
    name = disambiguated(claim, attempt);
  }
  warnings.push({
    code: 'name_collision_within_connector',
    message: `Connector "${connectorId}": tools "${winner}" and "${claim.tool.name}" both map to "${claim.name}"; "${claim.tool.name}" is published as "${name}". Rename one upstream for stable names.`,
    connectorId,
    originalName: claim.tool.name,
    name: claim.name,
    assignedName: name,
    otherOriginalName: winner,
  });
  return name;
}

function disambiguated(claim: Claim, attempt: number): string {
  return withSuffix(claim.name, shortHash(`${claim.tool.name}\u0000${attempt}`), MCP_TOOL_NAME_MAX_LENGTH);
}

function acrossConnectors(connectorId: string, originalName: string, name: string, owner: string) {
  return {
    code: 'name_collision_across_connectors',
    message: `Tool "${originalName}" of connector "${connectorId}" maps to "${name}", which connector "${owner}" already serves; it is not registered. Give one of the connectors a different namespace.`,
    connectorId,
    originalName,
    name,
    otherConnectorId: owner,
  } as const satisfies ToolRegistryWarning;
}
