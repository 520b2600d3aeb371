import { ManifestCacheRedisError } from './errors.js';
import type { ManifestText, StoredManifest } from './stored-manifest.js';

/** What `verify` returns for a map it accepts: the value to serve, with facts taken from the verified map itself. */
export interface VerifiedManifest<T> {
  readonly value: T;
  /** The verified map's `generatedAt` (epoch ms); must equal the stored `generatedAtMs`. */
  readonly generatedAtMs: number;
  /** When it turns stale (epoch ms, or `Infinity`), from the verified map (e.g. `generatedAt + ttlSeconds`). */
  readonly expiresAtMs: number;
}

/** Is Redis answering? `sinceMs` is when the status last changed; `lastError` is the latest failure seen. */
export interface RedisHealth {
  readonly status: 'up' | 'down';
  readonly sinceMs: number;
  readonly lastError: { readonly message: string; readonly atMs: number } | null;
}

/** A pino-style logger (`logger.warn({ details }, 'message')`). Only health changes are logged. */
export interface RedisLogger {
  warn(details: object, message: string): void;
  info?(details: object, message: string): void;
}

/** Timer functions, injectable so tests control them. Defaults: the global `setTimeout`/`clearTimeout`. */
export interface FleetTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Where a background change came from. */
export type FleetChangeSource = 'connect' | 'notification' | 'poll' | 'reconnect';

/** Passed to `onChange` when another host's map replaced the local value in the background. */
export interface FleetChange<T> {
  readonly value: T;
  readonly version: number;
  readonly generatedAtMs: number;
  readonly writerId: string;
  readonly source: FleetChangeSource;
}

/** Options of `new RedisManifestCache<T>(options)`. Only `url`, `verify` and `serialize` are required. */
export interface RedisManifestCacheOptions<T> {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` for TLS (e.g. `MCP_REDIS_URL`). Never logged whole. */
  readonly url: string;
  /**
   * Checks a map read from Redis (signature, schema, dates) and turns it into the value to serve; throw to reject.
   * Every value read from Redis goes through it: Redis is not trusted more than the map endpoint.
   */
  readonly verify: (stored: StoredManifest) => VerifiedManifest<T> | PromiseLike<VerifiedManifest<T>>;
  /** The text and facts to share for a value this host loaded (the signed text exactly as received). */
  readonly serialize: (value: T) => ManifestText;
  /** Prefix of every key and of the channel; one fleet per prefix. Default `'cortex-mcp:'`. */
  readonly keyPrefix?: string;
  /** This host's name in the lease and in the map's `writerId`. Default `<hostname>:<pid>:<random>`. */
  readonly instanceId?: string;
  /** Lease period: a holder that stops renewing loses the lease after this long. Default 10000. */
  readonly leaseMs?: number;
  /** Longest wait for any one Redis command; past it Redis counts as down. Default 500. */
  readonly commandTimeoutMs?: number;
  /** Longest wait for a connection to be established. Default 2000. */
  readonly connectTimeoutMs?: number;
  /** Cap of the reconnect back-off (it grows 100, 200, … ms, with jitter, up to this). Default 2000. */
  readonly maxReconnectDelayMs?: number;
  /** How often to check Redis for a new map (the fallback for lost or disabled notifications). Default 5000. */
  readonly pollIntervalMs?: number;
  /** Subscribe to the fleet's channel for instant pick-up. Default `true`; `false` relies on polling alone. */
  readonly notifications?: boolean;
  /** How long a host waits for the lease holder's map before giving up (stale kept). Default 60000. */
  readonly followerWaitMs?: number;
  /**
   * While a load waits on another host's lease: how often it checks the lease and whether the holder is still
   * connected to Redis (its presence channel, `PUBSUB NUMSUB`), so a holder whose process died is replaced within
   * about this long instead of when its lease expires. Default `min(leaseMs / 4, 1000)`.
   */
  readonly leaseCheckIntervalMs?: number;
  /** Current time in epoch ms (freshness, timestamps). Default `Date.now`. */
  readonly clock?: () => number;
  /** Timers for polling, lease renewal and waits. Default: the global ones. */
  readonly timers?: FleetTimers;
  /** Randomness in [0, 1) for reconnect jitter and the default instance id. Default `Math.random`. */
  readonly random?: () => number;
  /**
   * Receives one `warn` per Redis outage and one `info` when it is back; an `info` when this host releases the lease
   * of a holder that is gone from Redis, and once if Redis refuses `PUBSUB NUMSUB` (the presence check).
   */
  readonly logger?: RedisLogger;
  /**
   * Called once per failed load (as in `ManifestCache`) and for background problems: a shared value rejected by
   * `verify`, a refused write. Errors are `ManifestCacheRedisError`s or the loader's own. Throws are ignored.
   */
  readonly onError?: (error: unknown) => void;
  /** Called when a newer map from another host replaced the local value in the background. Throws are ignored. */
  readonly onChange?: (change: FleetChange<T>) => void;
  /** Called on every Redis health transition (`up` ↔ `down`). Throws are ignored. */
  readonly onHealthChange?: (health: RedisHealth) => void;
}

/** Options with defaults applied and checked. */
export type ResolvedOptions<T> = Required<
  Omit<RedisManifestCacheOptions<T>, 'logger' | 'onError' | 'onChange' | 'onHealthChange' | 'instanceId'>
> &
  Pick<RedisManifestCacheOptions<T>, 'logger' | 'onError' | 'onChange' | 'onHealthChange'> & {
    readonly instanceId: string | undefined;
  };

const DEFAULTS = {
  keyPrefix: 'cortex-mcp:',
  leaseMs: 10_000,
  commandTimeoutMs: 500,
  connectTimeoutMs: 2_000,
  maxReconnectDelayMs: 2_000,
  pollIntervalMs: 5_000,
  notifications: true,
  followerWaitMs: 60_000,
} as const;

/** The longest default pause between two checks on a lease holder. */
const MAX_DEFAULT_LEASE_CHECK_MS = 1_000;

const DURATIONS = [
  'leaseMs',
  'commandTimeoutMs',
  'connectTimeoutMs',
  'maxReconnectDelayMs',
  'pollIntervalMs',
  'followerWaitMs',
  'leaseCheckIntervalMs',
] as const;

function invalid(what: string): ManifestCacheRedisError {
  return new ManifestCacheRedisError('invalid_options', `Invalid RedisManifestCache options: ${what}`);
}

/** Applies defaults and checks every option; throws `invalid_options` naming the first bad one. */
export function resolveOptions<T>(options: RedisManifestCacheOptions<T>): ResolvedOptions<T> {
  if (typeof options?.url !== 'string' || !/^rediss?:\/\//.test(options.url)) {
    throw invalid('url must be a redis:// or rediss:// URL (e.g. MCP_REDIS_URL=redis://127.0.0.1:6379).');
  }
  if (typeof options.verify !== 'function') {
    throw invalid('verify is required: every map read from Redis must be verified before it is used.');
  }
  if (typeof options.serialize !== 'function') {
    throw invalid('serialize is required: it gives the signed text to share for a loaded value.');
  }
  const given = {
    ...DEFAULTS,
    clock: Date.now,
    timers: { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout } as FleetTimers,
    random: Math.random,
    ...withoutUndefined(options),
    url: options.url,
    verify: options.verify,
    serialize: options.serialize,
  };
  const resolved = {
    ...given,
    leaseCheckIntervalMs: given.leaseCheckIntervalMs ?? defaultLeaseCheckIntervalMs(given.leaseMs),
  };
  for (const name of DURATIONS) {
    const value = resolved[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw invalid(`${name} must be a positive integer number of milliseconds (got ${String(value)}).`);
    }
  }
  if (typeof resolved.keyPrefix !== 'string' || resolved.keyPrefix.length === 0) {
    throw invalid('keyPrefix must be a non-empty string (e.g. "cortex-mcp:prod:").');
  }
  if (options.instanceId !== undefined && (typeof options.instanceId !== 'string' || !options.instanceId)) {
    throw invalid('instanceId must be a non-empty string.');
  }
  return { ...resolved, instanceId: options.instanceId };
}

/**
 * A quarter of the lease, at most a second: a dead holder is noticed well within one lease period, and a fleet
 * waiting on a long lease does not ask Redis more than once a second per waiting host.
 */
function defaultLeaseCheckIntervalMs(leaseMs: unknown): number {
  return typeof leaseMs === 'number'
    ? Math.max(1, Math.min(Math.floor(leaseMs / 4), MAX_DEFAULT_LEASE_CHECK_MS))
    : 1;
}

function withoutUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** `host:port` of a Redis URL, never its credentials (for logs and status). */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}:${parsed.port || '6379'}${parsed.pathname.replace(/^\/$/, '')}`;
  } catch {
    return 'redis (unparsable URL)';
  }
}
