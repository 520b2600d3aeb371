import type { RedisHealth } from './options.js';
import type { RejectionSummary } from './shared-reader.js';

/**
 * What `fleetStatus()` reports, JSON-friendly, for `/status` and metrics. Answered from memory (the lease as last
 * seen by a poll, notification or load), so it never waits on Redis.
 */
export interface FleetStatus {
  readonly instanceId: string;
  readonly keyPrefix: string;
  /**
   * `leader` while this host holds the refresh lease (it is loading or sharing a map); `follower` while Redis is
   * up and another host (or none) holds it; `standalone` while Redis is down, before `connect()` or after `close()`.
   */
  readonly role: 'leader' | 'follower' | 'standalone';
  /** Who holds the refresh lease, as last seen; `null` when nobody does (the usual state between refreshes). */
  readonly leaseHolder: { readonly holderId: string; readonly fence: number; readonly self: boolean } | null;
  /** Redis health, plus the target without credentials (`redis://host:port/db`). */
  readonly redis: RedisHealth & { readonly target: string };
  /** The shared map as last read: its version, `generatedAt` (null if rejected or none) and writer. */
  readonly shared: {
    readonly version: number | null;
    readonly generatedAtMs: number | null;
    readonly writerId: string | null;
  };
  /** The shared version of the value served locally; `null` if it never went through Redis. */
  readonly localVersion: number | null;
  /** How many shared maps `verify` rejected (or were malformed) since start. */
  readonly rejectedReads: number;
  readonly lastRejection: RejectionSummary | null;
}
