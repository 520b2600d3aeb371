/** Who holds the lease, as last seen. */
export interface LeaseView {
  readonly holderId: string;
  readonly fence: number;
  /** Remaining lease time when it was read (server's clock); -1 when it has no expiry (not written by us). */
  readonly remainingMs: number;
  /** The lease key's value exactly as read (what EVICT compares). */
  readonly token: string;
  /**
   * The holder's Redis connection as recorded beside the lease: `id` is its `CLIENT ID`, `record` the stored
   * `<clientId>:<fence>` (what EVICT compares). `null` when none is recorded for this lease (the holder could not
   * read its id, or wrote the lease with an older version of this package): only the lease's expiry replaces it.
   */
  readonly client: { readonly id: string; readonly record: string } | null;
}

const UNKNOWN_HOLDER = { holderId: 'unknown', fence: 0 };

/** `<fence>:<holderId>` → its parts; `undefined` for anything else. */
export function parseLeaseToken(token: unknown): { fence: number; holderId: string } | undefined {
  if (typeof token !== 'string') return undefined;
  const colon = token.indexOf(':');
  const fence = Number(token.slice(0, colon));
  if (colon <= 0 || !Number.isSafeInteger(fence)) return undefined;
  return { fence, holderId: token.slice(colon + 1) };
}

/** `<clientId>:<fence>` of the lease with `fence` → the client; `null` for anything else (or another lease's). */
function parseLeaseClient(record: unknown, fence: number): LeaseView['client'] {
  if (typeof record !== 'string' || fence <= 0) return null;
  const match = /^(\d+):(\d+)$/.exec(record);
  if (match === null || Number(match[2]) !== fence) return null;
  return { id: match[1] as string, record };
}

/**
 * The lease as seen by PEEK or ACQUIRE, or `null` when there is none. A value this package did not write reads as
 * holder `unknown`, fence 0, with no client record.
 */
export function leaseView(token: unknown, pttl: unknown, clientRecord: unknown): LeaseView | null {
  if (token === null || token === undefined) return null;
  const parsed = parseLeaseToken(token) ?? UNKNOWN_HOLDER;
  const remainingMs = Number(pttl);
  return {
    ...parsed,
    remainingMs: Number.isFinite(remainingMs) && remainingMs >= 0 ? remainingMs : -1,
    token: String(token),
    client: parseLeaseClient(clientRecord, parsed.fence),
  };
}
