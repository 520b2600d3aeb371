// The Lua scripts that make the fleet's decisions atomic on the Redis server. Each one's contract (keys, arguments,
// reply) is documented beside it and in the README; src/fleet-store.ts is their only caller.
//
// Versions: a stored map's `fence` field is the fencing token of the lease that wrote it, so it only grows and
// doubles as the map's version. `''` stands for "no map stored".

/**
 * ACQUIRE — take the refresh lease if it is free and the map is still the version the caller saw.
 *
 * KEYS: lease, fence counter, map. ARGV: holderId, leaseMs, expected map version (`''` = none stored, `'*'` = any).
 * Reply: `{'acquired', token, fence}` | `{'held', token, pttlMs}` | `{'changed', version}`.
 * Comparing the version makes "exactly one refresh per expiry" hold even for a host that read the stale map just
 * before another host stored the new one: it is told `changed` instead of refreshing a second time.
 */
export const ACQUIRE_LUA = `
local current = redis.call('GET', KEYS[1])
if current then
  return {'held', current, redis.call('PTTL', KEYS[1])}
end
local version = redis.call('HGET', KEYS[3], 'fence') or ''
if ARGV[3] ~= '*' and version ~= ARGV[3] then
  return {'changed', version}
end
local fence = redis.call('INCR', KEYS[2])
local token = fence .. ':' .. ARGV[1]
redis.call('SET', KEYS[1], token, 'PX', ARGV[2])
return {'acquired', token, fence}
`;

/**
 * RENEW — extend the lease, only while the caller still holds it.
 *
 * KEYS: lease. ARGV: token, leaseMs. Reply: 1 (extended) | 0 (not held by this token any more).
 */
export const RENEW_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

/**
 * COMMIT — store a new map under the lease, release the lease and announce the new version, all at once.
 *
 * KEYS: lease, map. ARGV: token, fence, text, generatedAtMs, expiresAtMs, fetchedAtMs, etag (`''` = none), writerId,
 * channel, replace (`'replace:<version>'` or `''`).
 * Reply: `{'committed'}` | `{'lease_lost'}` | `{'regressed', storedGeneratedAtMs}`.
 * Refused when the token does not hold the lease (fencing) or when generatedAtMs is older than the stored one
 * (no rollback). `replace` names a stored version the caller read and rejected (it failed verification); only
 * that exact version may be overwritten regardless of its (untrusted) generatedAtMs.
 */
export const COMMIT_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return {'lease_lost'}
end
local storedGeneratedAt = redis.call('HGET', KEYS[2], 'generatedAtMs')
local storedVersion = redis.call('HGET', KEYS[2], 'fence') or ''
if ARGV[10] ~= 'replace:' .. storedVersion then
  local stored = tonumber(storedGeneratedAt)
  if stored and tonumber(ARGV[4]) < stored then
    return {'regressed', storedGeneratedAt}
  end
end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'text', ARGV[3], 'generatedAtMs', ARGV[4], 'expiresAtMs', ARGV[5],
  'fetchedAtMs', ARGV[6], 'etag', ARGV[7], 'writerId', ARGV[8], 'fence', ARGV[2])
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[9], 'map:' .. ARGV[2])
return {'committed'}
`;

/**
 * ABANDON — give the lease up after a failed refresh, and say so, so hosts waiting on it stop waiting.
 *
 * KEYS: lease, map. ARGV: token, fence, channel. Reply: 1 (released) | 0 (not held by this token).
 * Sets the map's `failedFence` field (creating the hash if no map is stored yet) and publishes `failed:<fence>`.
 */
export const ABANDON_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[2], 'failedFence', ARGV[2])
redis.call('PUBLISH', ARGV[3], 'failed:' .. ARGV[2])
return 1
`;

/**
 * PEEK — one consistent, cheap look at the fleet: the stored version and the lease.
 *
 * KEYS: map, lease. ARGV: none.
 * Reply: `{version|nil, generatedAtMs|nil, failedFence|nil, leaseToken|nil, leasePttlMs}` (PTTL -2 when no lease).
 */
export const PEEK_LUA = `
local fields = redis.call('HMGET', KEYS[1], 'fence', 'generatedAtMs', 'failedFence')
return {fields[1], fields[2], fields[3], redis.call('GET', KEYS[2]), redis.call('PTTL', KEYS[2])}
`;

/**
 * EVICT — release the lease of a holder that is gone from Redis (its presence channel has no subscriber: its
 * process died), so a waiting host can take it now instead of when it expires. A compare-and-delete: only while
 * the lease is still the very token the caller judged. A holder evicted while alive (cut off, not dead) has its
 * fenced commit refused, as after an expiry.
 *
 * KEYS: lease. ARGV: token. Reply: 1 (released) | 0 (the lease changed meanwhile).
 */
export const EVICT_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;
