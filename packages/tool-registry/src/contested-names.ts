/**
 * Which connectors claim each bare name (or URI) of one kind, for `prefix: 'conditional'`: a bare name
 * two or more connectors claim is contested, and every claimant is then published prefixed. Counting
 * claims (not published items) keeps the outcome independent of the order connectors registered in.
 */
export class ClaimantIndex {
  readonly #claimants = new Map<string, Set<string>>();

  /** True when two or more connectors claim `bareKey`. */
  isContested(bareKey: string): boolean {
    return (this.#claimants.get(bareKey)?.size ?? 0) >= 2;
  }

  /** The connectors that claim `bareKey` now. */
  claimants(bareKey: string): ReadonlySet<string> {
    return this.#claimants.get(bareKey) ?? new Set();
  }

  /**
   * Replaces `connectorId`'s claims (`before` → `after`) and returns the keys whose contested state
   * flipped: the connectors claiming them (before or after) may have to switch between bare and prefixed.
   * The work is proportional to the two sets.
   */
  update(connectorId: string, before: ReadonlySet<string>, after: ReadonlySet<string>): string[] {
    const flipped: string[] = [];
    for (const key of before) {
      if (after.has(key)) continue;
      const claimants = this.#claimants.get(key);
      if (claimants === undefined) continue;
      const was = claimants.size >= 2;
      claimants.delete(connectorId);
      if (claimants.size === 0) this.#claimants.delete(key);
      if (was !== claimants.size >= 2) flipped.push(key);
    }
    for (const key of after) {
      if (before.has(key)) continue;
      let claimants = this.#claimants.get(key);
      if (claimants === undefined) {
        claimants = new Set();
        this.#claimants.set(key, claimants);
      }
      const was = claimants.size >= 2;
      claimants.add(connectorId);
      if (was !== claimants.size >= 2) flipped.push(key);
    }
    return flipped;
  }
}
