// The refresh lease as this package reads and writes it: the value of the lease key is `<fence>:<holderId>`.

/** A lease this host holds: its fencing token travels with every write made under it. */
export interface HeldLease {
  /** `<fence>:<holderId>`, the value of the lease key. */
  readonly token: string;
  readonly fence: number;
}

/** Who holds the lease, as last seen. */
export interface LeaseView {
  readonly holderId: string;
  readonly fence: number;
  /** Remaining lease time when it was read (server's clock); -1 when it has no expiry (not written by us). */
  readonly remainingMs: number;
}

/** `<fence>:<holderId>` → its parts; `undefined` for anything else. */
export function parseLeaseToken(token: unknown): { fence: number; holderId: string } | undefined {
  if (typeof token !== 'string') return undefined;
  const colon = token.indexOf(':');
  const fence = Number(token.slice(0, colon));
  if (colon <= 0 || !Number.isSafeInteger(fence)) return undefined;
  return { fence, holderId: token.slice(colon + 1) };
}

/** The holder to report when the lease is held but could not be read back. */
export const UNKNOWN_HOLDER: LeaseView = { holderId: 'unknown', fence: 0, remainingMs: -1 };

/** The lease as seen, or `null` when there is none. A value this package did not write reads as `unknown`. */
export function leaseView(token: unknown, pttl: unknown): LeaseView | null {
  if (token === null || token === undefined) return null;
  const parsed = parseLeaseToken(token);
  const remainingMs = Number(pttl);
  return {
    ...(parsed ?? { holderId: 'unknown', fence: 0 }),
    remainingMs: Number.isFinite(remainingMs) && remainingMs >= 0 ? remainingMs : -1,
  };
}
