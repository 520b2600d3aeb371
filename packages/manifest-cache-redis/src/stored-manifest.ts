/**
 * What a host writes for the fleet: the signed text exactly as received, and facts about it. Produced from a
 * cached value by the `serialize` option.
 */
export interface ManifestText {
  /** The signed map text exactly as received: every host verifies it again before use. */
  readonly text: string;
  /**
   * The map's `generatedAt` (epoch ms). The fleet never stores a map older than the one it holds, and a host
   * never adopts one older than its own.
   */
  readonly generatedAtMs: number;
  /** The HTTP ETag the map came with, if any (to send as `If-None-Match`). */
  readonly etag?: string | undefined;
}

/**
 * A map as read from Redis: untrusted until the `verify` option accepts it. Times are epoch ms.
 */
export interface StoredManifest extends ManifestText {
  /** When the value turns stale, as the writing host computed it (`Infinity` = never). Informational. */
  readonly expiresAtMs: number;
  /** When the writing host finished loading it (on its clock). */
  readonly fetchedAtMs: number;
  /** `instanceId` of the host that wrote it. */
  readonly writerId: string;
  /** Fencing token of the lease it was written under; only grows, so it is also the map's version. */
  readonly version: number;
}

/** Redis hash fields of `<prefix>map` (all strings). */
export type StoredManifestFields = Record<string, string>;

const finite = (text: string | undefined): number | undefined => {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
};

/**
 * Reads the hash written by the COMMIT script. Returns `undefined` when no map is stored (no `text` field), and a
 * description of the problem when the hash is malformed (tampered or written by something else).
 */
export function parseStoredManifest(
  fields: StoredManifestFields,
): { manifest: StoredManifest } | { problem: string } | undefined {
  const { text, writerId = '', etag } = fields;
  if (text === undefined) return undefined;
  const generatedAtMs = finite(fields.generatedAtMs);
  const expiresAtMs = finite(fields.expiresAtMs);
  const fetchedAtMs = finite(fields.fetchedAtMs);
  const version = finite(fields.fence);
  if (generatedAtMs === undefined || !Number.isFinite(generatedAtMs)) {
    return { problem: 'its generatedAtMs field is missing or not a number' };
  }
  if (expiresAtMs === undefined || fetchedAtMs === undefined) {
    return { problem: 'its expiresAtMs or fetchedAtMs field is missing or not a number' };
  }
  if (version === undefined || !Number.isSafeInteger(version)) {
    return { problem: 'its fence (version) field is missing or not an integer' };
  }
  const manifest: StoredManifest = {
    text,
    generatedAtMs,
    expiresAtMs,
    fetchedAtMs,
    writerId,
    version,
    ...(etag ? { etag } : {}),
  };
  return { manifest };
}
