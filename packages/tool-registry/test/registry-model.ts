import { expect } from 'vitest';
import { isValidMcpToolName, publicToolName, type RegisteredTool } from '../src/index.js';

// The model for registry-model.test.ts: the README's naming, collision and versioning rules, written
// against plain data so they can be checked against the registry after every step.

/** One connector's upstream list as the test generates it. */
export type Listing = readonly { readonly name: string; readonly description: string | undefined }[];

/** What the model keeps per tool: exactly the members a client (or the router) can tell apart. */
export interface ModelTool {
  readonly name: string;
  readonly connectorId: string;
  readonly originalName: string;
  readonly description: string | undefined;
  readonly namespace: string | undefined;
}

export interface Expected {
  readonly next: readonly ModelTool[];
  readonly warningCodes: readonly string[];
}

export function modelTool(tool: RegisteredTool): ModelTool {
  const { connectorId, originalName, namespace } = tool.metadata;
  return { name: tool.name, connectorId, originalName, description: tool.description, namespace };
}

export function sameVisible(left: ModelTool, right: ModelTool): boolean {
  return (
    left.originalName === right.originalName &&
    left.description === right.description &&
    left.namespace === right.namespace
  );
}

interface Claim {
  readonly tool: Listing[number];
  readonly index: number;
  readonly claim: string;
  readonly lossy: boolean;
}

/** Unchanged names claim first, then the rest in code-unit order of their upstream names. */
function claimOrder(left: Claim, right: Claim): number {
  if (left.lossy !== right.lossy) return left.lossy ? 1 : -1;
  if (left.tool.name === right.tool.name) return 0;
  return left.tool.name < right.tool.name ? -1 : 1;
}

/**
 * The README's naming and collision rules, applied to the model. The one thing it does not compute is
 * the hash suffix a within-connector loser gets: `hashedName` supplies it (the test reads it from the
 * warning's `assignedName`), and the model checks its shape and applies every other rule to it.
 */
export function expectReplace(
  model: ReadonlyMap<string, readonly ModelTool[]>,
  connectorId: string,
  namespace: string,
  listing: Listing,
  hashedName: (originalName: string) => string | undefined,
): Expected {
  const owners = new Map([...model.values()].flat().map((tool) => [tool.name, tool.connectorId]));
  const seen = new Set<string>();
  const warningCodes: string[] = [];
  const unique = listing.filter((tool) => {
    if (!seen.has(tool.name)) return seen.add(tool.name);
    warningCodes.push('duplicate_original_name');
    return false;
  });
  // Short names: the tool part is changed (lossy) exactly when the upstream name is not already valid.
  const claims: Claim[] = unique.map((tool, index) => ({
    tool,
    index,
    claim: publicToolName(namespace, tool.name),
    lossy: !isValidMcpToolName(tool.name),
  }));
  const taken = new Set<string>();
  const kept: { index: number; tool: ModelTool }[] = [];
  for (const { tool, index, claim } of claims.sort(claimOrder)) {
    let name = claim;
    if (taken.has(claim)) {
      warningCodes.push('name_collision_within_connector');
      name = hashedName(tool.name) ?? '';
      expect(name).toMatch(new RegExp(`^${claim.replace(/[.-]/g, '\\$&')}_[0-9a-f]{8}$`));
      expect(taken.has(name)).toBe(false);
    }
    taken.add(name);
    // A hashed name is deterministic, so another connector listing the same tools may own it too.
    const owner = owners.get(name);
    if (owner !== undefined && owner !== connectorId) {
      warningCodes.push('name_collision_across_connectors');
      continue;
    }
    kept.push({
      index,
      tool: { name, connectorId, originalName: tool.name, description: tool.description, namespace },
    });
  }
  kept.sort((left, right) => left.index - right.index);
  return { next: kept.map((entry) => entry.tool), warningCodes: warningCodes.sort() };
}

export function change(previous: readonly ModelTool[], next: readonly ModelTool[]) {
  const before = new Map(previous.map((tool) => [tool.name, tool]));
  const nextNames = new Set(next.map((tool) => tool.name));
  return {
    added: next.filter((tool) => !before.has(tool.name)).map((tool) => tool.name),
    removed: previous.filter((tool) => !nextNames.has(tool.name)).map((tool) => tool.name),
    changed: next
      .filter((tool) => {
        const old = before.get(tool.name);
        return old !== undefined && !sameVisible(old, tool);
      })
      .map((tool) => tool.name),
  };
}

export function setConnector(model: Map<string, ModelTool[]>, connectorId: string, next: ModelTool[]): void {
  // Like the registry: a connector keeps its place while it has tools, and goes last when it comes back.
  if (next.length === 0) model.delete(connectorId);
  else model.set(connectorId, next);
}
