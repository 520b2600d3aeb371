/**
 * Where one fleet keeps its state in Redis. Every name starts with the key prefix, so several fleets (or
 * environments) share one Redis without seeing each other.
 *
 * | Name               | Type    | Holds                                                                           |
 * | ------------------ | ------- | ------------------------------------------------------------------------------- |
 * | `<prefix>map`      | hash    | the signed map text and its facts (see `StoredManifest`), plus `failedFence`    |
 * | `<prefix>lease`    | string  | `<fence>:<holderId>` while a host refreshes; expires by itself (`PX leaseMs`)   |
 * | `<prefix>fence`    | string  | the fencing-token counter (`INCR`), never reset                                 |
 * | `<prefix>catalogue`| hash    | connector id → JSON `{ fingerprint, tools, savedAtMs, writerId }`              |
 * | `<prefix>events`   | channel | `map:<fence>` after a new map is stored, `failed:<fence>` after a failed refresh |
 */
export interface FleetKeys {
  readonly map: string;
  readonly lease: string;
  readonly fence: string;
  readonly catalogue: string;
  /** The pub/sub channel (channels are not keys, but share the prefix). */
  readonly channel: string;
}

/** The key layout for `prefix` (used verbatim: include your own separator, e.g. `'cortex-mcp:prod:'`). */
export function fleetKeys(prefix: string): FleetKeys {
  return {
    map: `${prefix}map`,
    lease: `${prefix}lease`,
    fence: `${prefix}fence`,
    catalogue: `${prefix}catalogue`,
    channel: `${prefix}events`,
  };
}
