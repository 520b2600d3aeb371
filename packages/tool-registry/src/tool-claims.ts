import type { Claim } from './kind-naming.js';
import type { RegisteredTool } from './types.js';

/**
 * A connector's tool claims after `registerTool()` put `entry` in place of `existing` (the tool that had
 * its name, which the claim list keeps in its position) or, for a new name, after the others. A fixed
 * claim keeps its public name through every later renaming, until the connector's next replace.
 */
export function withRegisteredTool(
  claims: readonly Claim[],
  existing: RegisteredTool | undefined,
  entry: RegisteredTool,
): Claim[] {
  const fixed: Claim = { source: 'fixed', entry };
  if (existing === undefined) return [...claims, fixed];
  const produced = producerOf(claims, existing);
  let placed = false;
  const next: Claim[] = [];
  for (const claim of claims) {
    if (!produced(claim)) next.push(claim);
    else if (!placed) {
      next.push(fixed);
      placed = true;
    }
  }
  return placed ? next : [...next, fixed];
}

/** A connector's tool claims without the one that produced `existing` (`unregisterTool()`). */
export function withoutTool(claims: readonly Claim[], existing: RegisteredTool): Claim[] {
  const produced = producerOf(claims, existing);
  return claims.filter((claim) => !produced(claim));
}

/**
 * Which claim produced `tool`: the fixed claim holding it, else the upstream claims with its upstream name
 * (a later duplicate of that name too, so none of them takes its place at the next renaming).
 */
function producerOf(claims: readonly Claim[], tool: RegisteredTool): (claim: Claim) => boolean {
  const fixed = claims.some((claim) => claim.source === 'fixed' && claim.entry === tool);
  return (claim) =>
    fixed
      ? claim.source === 'fixed' && claim.entry === tool
      : claim.source === 'upstream' && claim.item.name === tool.metadata.originalName;
}
