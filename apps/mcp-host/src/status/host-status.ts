/**
 * The `/status` document: what an operator needs to see about the host at a glance. It must never hold a secret
 * (signature keys, API keys, auth headers, env of stdio servers): build it from ids, counts, times and redacted URLs.
 */
export interface HostStatus {
  /** Host version (package.json) and when it started, epoch ms. */
  readonly version: string;
  readonly startedAtMs: number;
  /** Whether `/readyz` answers 200: a usable map or a persisted catalogue is loaded. */
  readonly ready: boolean;
  readonly map: MapStatus;
  readonly connectors: readonly ConnectorStatus[];
  readonly registry: RegistryStatus;
  readonly lastSync: SyncSummary | null;
  /** The latest syncs, oldest first (at most 10; the last one is `lastSync`). Absent before the first sync. */
  readonly recentSyncs?: readonly SyncSummary[];
}

/** The catalogue as clients see it: its version and how many items of each kind it serves. */
export interface RegistryStatus {
  readonly version: number;
  readonly toolCount: number;
  readonly resourceCount: number;
  readonly resourceTemplateCount: number;
  readonly promptCount: number;
}

/** The service map as the host holds it. `source` says where the map came from. */
export interface MapStatus {
  /** Redacted (no userinfo, no query) map URL, or null when the host runs on the registry file alone. */
  readonly url: string | null;
  readonly id: string | null;
  readonly generatedAt: string | null;
  readonly expiresAtMs: number | null;
  /** `fresh` before the signed expiry, `stale` after it (still served), `empty` when no map is held. */
  readonly freshness: 'fresh' | 'stale' | 'empty';
  /**
   * `network` for a map loaded this run, `persisted` for the warm-start copy, `fleet` for one another host shared
   * through Redis, `none` when empty.
   */
  readonly source: 'network' | 'persisted' | 'fleet' | 'none';
  readonly lastRefreshAtMs: number | null;
  /** The last refresh failure (code + message, secrets-free), cleared by a successful refresh. */
  readonly lastError: { readonly code: string; readonly message: string; readonly atMs: number } | null;
  /**
   * When the next early retry of a failed load is due (epoch ms): set while the host has no fresh map and the last
   * load failed (backing off, honouring `Retry-After`); null otherwise — the next load is the timer refresh.
   */
  readonly nextRetryAtMs?: number | null;
  /** With `MCP_REDIS_URL`: this host's role in the fleet, the refresh lease holder and Redis health. */
  readonly fleet?: {
    readonly role: 'leader' | 'follower' | 'standalone';
    readonly leaseHolder: {
      readonly holderId: string;
      readonly fence: number;
      readonly self: boolean;
    } | null;
    readonly redis: { readonly status: 'up' | 'down'; readonly target: string };
    /** Shared maps this host read from Redis and refused (failed verification or malformed), since start. */
    readonly rejectedReads?: number;
    /**
     * The latest refused read: why (the verification's reason code, e.g. `signature`, `stale_replay`, or
     * `malformed`), the stored version and when (epoch ms); null before the first. Never the stored text.
     */
    readonly lastRejection?: {
      readonly reason: string;
      readonly version: number | null;
      readonly atMs: number;
    } | null;
  };
}

/** One connector: from the map or from the registry file. */
export interface ConnectorStatus {
  readonly id: string;
  readonly origin: 'service-map' | 'registry-file';
  readonly transport: string;
  /** Redacted endpoint URL, or the stdio command name (never its args or env). */
  readonly endpoint: string | null;
  readonly state: 'connecting' | 'up' | 'down' | 'disabled';
  readonly available: boolean;
  readonly toolCount: number;
  readonly resourceCount: number;
  readonly resourceTemplateCount: number;
  readonly promptCount: number;
  /** Where the served catalogue comes from: `persisted` while the connector is not yet connected. */
  readonly catalogue: 'live' | 'persisted' | 'none';
  readonly lastError: { readonly message: string; readonly atMs: number } | null;
  readonly connectedAtMs: number | null;
  /**
   * Tools whose definition changed since it was pinned (approve with `mcp-host pins approve`); withheld from
   * clients under the `block` pin policy. Absent when there are none.
   */
  readonly changedTools?: readonly string[];
  /** The tool-call circuit breaker: `open` means calls fail fast until `probeAtMs`. Absent for disabled entries. */
  readonly circuit?: {
    readonly state: 'closed' | 'open' | 'half-open';
    readonly consecutiveFailures: number;
    readonly probeAtMs: number | null;
  };
  /** Tool calls routed to this connector since it was (re)created. Absent before its first call. */
  readonly calls?: ConnectorCallStats;
}

/** A connector's tool calls: totals, latency percentiles over the latest calls, and a short p50 history. */
export interface ConnectorCallStats {
  /** Calls finished, failed and cancelled ones included. */
  readonly count: number;
  /** Failed calls: an `isError` result, an exception, a timeout, a refusal by the open circuit. */
  readonly errors: number;
  /**
   * Calls cancelled by their client — a `notifications/cancelled`, or a client that went away mid-call (dropped
   * connection, closed session, ended stdin). Not errors: they say nothing about the connector.
   */
  readonly cancelled: number;
  /**
   * Median and 95th percentile call duration, in ms, over the latest calls that ran (at most 100); null when every
   * call so far was refused by the open circuit (those have no duration, as in `mcp_tool_call_duration_seconds`).
   */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  /** One entry per recent time bucket that had calls (10 s buckets over the last 5 minutes), oldest first. */
  readonly history: readonly {
    /** Start of the bucket, epoch ms. */
    readonly atMs: number;
    readonly count: number;
    readonly errors: number;
    readonly cancelled: number;
    readonly p50Ms: number | null;
  }[];
}

/** The aggregate of the last sync (the seed's one log line). */
export interface SyncSummary {
  readonly reason: string;
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly connectorCount: number;
  readonly enabled: number;
  readonly failed: number;
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  readonly unchanged: number;
  /** Fixed mode: the limit used (at most the number of connects); adaptive mode: the peak of connects in flight. */
  readonly parallelism: number;
}
