import { type RedisServer, startRedisServer } from '@cortex-mcp/test-servers';
import { type FleetHost, startFleet, statuses, stopFleet } from './fleet-hosts.js';
import { FleetMapServer } from './fleet-map-server.js';
import { entry } from './maps.js';
import { waitFor } from './wait.js';

/** One fleet: its own redis-server, its own counting map server, `size` hosts (one upstream connector, `alpha`). */
export interface FleetBed {
  readonly redis: RedisServer;
  readonly mapServer: FleetMapServer;
  /** The key prefix the hosts share. */
  readonly prefix: string;
  /** Every host started (killed ones included, for cleanup). */
  readonly hosts: readonly FleetHost[];
  /** The hosts still running: a test that kills one removes it. */
  live: FleetHost[];
}

/** What a fleet is made of. */
export interface FleetBedOptions {
  readonly size: number;
  /** The `alpha` upstream's Streamable HTTP URL. */
  readonly upstreamUrl: string;
  readonly signatureKey: string;
  /** The hosts' refresh interval, and the lifetime of the maps the server signs. */
  readonly intervalMs: number;
  readonly prefix: string;
  /** The hosts' refresh lease (`MCP_REDIS_LEASE_MS`); absent: the host's default. */
  readonly leaseMs?: number;
}

/**
 * Starts a fleet and resolves once every host has the upstream connected and Redis up. Everything started is
 * stopped again if that fails.
 */
export async function startFleetBed(options: FleetBedOptions): Promise<FleetBed> {
  const { size, upstreamUrl, signatureKey, intervalMs, prefix, leaseMs } = options;
  const redis = await startRedisServer();
  const mapServer = new FleetMapServer({
    signatureKey,
    intervalMs,
    connectors: [entry('alpha', upstreamUrl)],
  });
  let hosts: FleetHost[] = [];
  try {
    const mapUrl = await mapServer.listen();
    hosts = await startFleet(size, {
      CONNECTORS_SERVICE_MAP_URL: mapUrl,
      CONNECTORS_SIGNATURE_KEY: signatureKey,
      MCP_CONNECTOR_REFRESH_INTERVAL_MS: String(intervalMs),
      MCP_CONNECTOR_CONNECT_TIMEOUT_MS: '2000',
      MCP_TOOL_CALL_TIMEOUT_MS: '2000',
      MCP_REDIS_URL: redis.url,
      MCP_REDIS_KEY_PREFIX: prefix,
      ...(leaseMs === undefined ? {} : { MCP_REDIS_LEASE_MS: String(leaseMs) }),
    });
    await waitFor(
      `${size} hosts with the upstream connected and Redis up`,
      async () =>
        (await statuses(hosts)).every(
          (status) =>
            // `available` flips when the connection is up, before the live catalogue is registered: wait for both.
            status.connectors.some(
              (connector) =>
                connector.id === 'alpha' && connector.available && connector.catalogue === 'live',
            ) && status.map.fleet?.redis.status === 'up',
        ),
      { timeoutMs: 30_000 },
    );
  } catch (error) {
    await stopFleetBed({ redis, mapServer, prefix, hosts, live: hosts });
    throw error;
  }
  return { redis, mapServer, prefix, hosts, live: [...hosts] };
}

/** Stops the hosts, then Redis and the map server. */
export async function stopFleetBed(bed: FleetBed | undefined): Promise<void> {
  if (!bed) return;
  await stopFleet(bed.hosts);
  await Promise.allSettled([bed.redis.stop(), bed.mapServer.close()]);
}

/** Resolves once every live host serves the same map (one that `accept` accepts), with its id. */
export function converged(
  bed: FleetBed,
  what: string,
  accept: (id: string) => boolean = () => true,
): Promise<string> {
  return waitFor(
    what,
    async () => {
      const ids = new Set((await statuses(bed.live)).map((status) => status.map.id));
      const [id] = ids;
      return ids.size === 1 && typeof id === 'string' && accept(id) ? id : undefined;
    },
    { timeoutMs: 10_000 },
  );
}

/** The interval (slot) of the fleet's map server that now falls in. */
export function currentSlot(bed: FleetBed): number {
  return bed.mapServer.slotOf(Date.now());
}

/** The slot of the newest request the fleet's map server saw (-1: none yet). */
export function latestSlot(bed: FleetBed): number {
  const fetches = bed.mapServer.fetches;
  return fetches[fetches.length - 1]?.slot ?? -1;
}
