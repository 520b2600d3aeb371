import type { FleetStatus } from '@cortex-mcp/manifest-cache-redis';
import { parseServiceMap } from '@cortex-mcp/service-map-loader';
import type { HostConfig } from '../../config/index.js';
import { check, type DoctorCheck } from './check.js';

/** What the Redis checks need besides the configuration. */
export interface RedisCheckDeps {
  /** Epoch-ms clock (freshness of the shared map). */
  readonly clock: () => number;
  /** Bound on connecting and on each command, in ms. */
  readonly timeoutMs: number;
}

const AREA = 'redis';
const REDIS = 'redis';
const SHARED_MAP = 'shared map';

/**
 * With `MCP_REDIS_URL` set: connects as a fleet member would (without taking part: it loads nothing and writes
 * nothing), and reports whether Redis answers and whether the map the fleet shares there passes this host's own
 * verification, which is what every host does before serving it. A shared map signed with another key is the
 * classic fleet mistake: each host then keeps fetching on its own. No check without Redis configured.
 */
export async function checkFleetRedis(config: HostConfig, deps: RedisCheckDeps): Promise<DoctorCheck[]> {
  const url = config.redisUrl;
  if (url === undefined) return [];
  const { RedisManifestCache } = await import('@cortex-mcp/manifest-cache-redis');
  const { signatureKeys, serviceMapUrl } = config;
  const cache = new RedisManifestCache<null>({
    url,
    keyPrefix: config.redisKeyPrefix,
    clock: deps.clock,
    connectTimeoutMs: deps.timeoutMs,
    commandTimeoutMs: deps.timeoutMs,
    verify: (stored) => {
      const { generatedAtMs, expiresAtMs } = parseServiceMap(stored.text, {
        signatureKeys,
        serviceMapUrl,
        clock: deps.clock,
      });
      return { value: null, generatedAtMs, expiresAtMs };
    },
    serialize: () => {
      throw new Error('the doctor shares nothing');
    },
  });
  try {
    await cache.connect();
    return describeFleet(cache.fleetStatus(), config.redisKeyPrefix, deps.clock());
  } finally {
    await cache.close();
  }
}

function describeFleet(status: FleetStatus, keyPrefix: string, nowMs: number): DoctorCheck[] {
  const { redis } = status;
  if (redis.status !== 'up') {
    const why = redis.lastError?.message ?? 'no answer';
    return [
      check(AREA, REDIS, 'fail', `${redis.target} does not answer (${why})`, {
        fix:
          `Start Redis at ${redis.target}, or correct MCP_REDIS_URL. Until it answers, each host serves on its ` +
          'own cache and fetches the map itself.',
      }),
      check(AREA, SHARED_MAP, 'skip', 'not checked: Redis does not answer'),
    ];
  }
  const holder =
    status.leaseHolder === null
      ? 'no refresh under way'
      : `refresh lease held by ${status.leaseHolder.holderId}`;
  const redisLine = check(AREA, REDIS, 'ok', `${redis.target} answers; key prefix "${keyPrefix}"; ${holder}`);
  return [redisLine, sharedMapCheck(status, keyPrefix, nowMs)];
}

function sharedMapCheck(status: FleetStatus, keyPrefix: string, nowMs: number): DoctorCheck {
  const rejection = status.lastRejection;
  if (rejection !== null) {
    return check(
      AREA,
      SHARED_MAP,
      'fail',
      `the map stored in Redis (version ${rejection.version ?? 'unknown'}) fails this host's verification ` +
        `(code ${rejection.reason}): hosts refuse it and fetch on their own`,
      { fix: rejectionFix(rejection.reason, keyPrefix) },
    );
  }
  const { version, generatedAtMs, writerId } = status.shared;
  if (version === null || generatedAtMs === null) {
    return check(AREA, SHARED_MAP, 'ok', 'none stored yet: the first host to refresh stores it');
  }
  const age = Math.max(0, Math.round((nowMs - generatedAtMs) / 1000));
  return check(
    AREA,
    SHARED_MAP,
    'ok',
    `version ${version} from ${writerId ?? 'an unknown host'}, generated ${age} s ago, verified with the ` +
      'configured key(s)',
  );
}

function rejectionFix(reason: string, keyPrefix: string): string {
  if (reason === 'signature') {
    return (
      'Give every host of this fleet the same CONNECTORS_SIGNATURE_KEY (or CONNECTORS_SIGNATURE_KEYS); fleets signed with different keys ' +
      `need their own MCP_REDIS_KEY_PREFIX (this one is "${keyPrefix}").`
    );
  }
  return (
    `Check that only this fleet's hosts write under MCP_REDIS_KEY_PREFIX "${keyPrefix}" and that they share one ` +
    'map URL; the next refresh by a host replaces the refused map.'
  );
}
