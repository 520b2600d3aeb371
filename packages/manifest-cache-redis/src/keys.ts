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
 * | `<prefix>host:<id>`| channel | nothing is sent: host `<id>` stays subscribed while connected (its presence)     |
 */
export interface FleetKeys {
  readonly map: string;
  readonly lease: string;
  readonly fence: string;
  readonly catalogue: string;
  /** The pub/sub channel (channels are not keys, but share the prefix). */
  readonly channel: string;
  /**
   * The presence channel of host `instanceId`: it subscribes to it on every connection, so `PUBSUB NUMSUB` tells
   * other hosts whether it is still connected (a process that dies, even by SIGKILL, is dropped by Redis at once).
   */
  presence(instanceId: string): string;
}

/** The key layout for `prefix` (used verbatim: include your own separator, e.g. `'cortex-mcp:prod:'`). */
export function fleetKeys(prefix: string): FleetKeys {
  return {
    map: `${prefix}map`,
    lease: `${prefix}lease`,
    fence: `${prefix}fence`,
    catalogue: `${prefix}catalogue`,
    channel: `${prefix}events`,
    presence: (instanceId) => `${prefix}host:${instanceId}`,
  };
}
