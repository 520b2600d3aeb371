// Host processes of the fleet scenario: real `mcp-host serve` processes on one signed map (and, in Redis mode, one
// Redis), each with its own state dir and its own bearer token so the map server can tell their fetches apart;
// plus the measurements around them: a host joining a running fleet, and counters sampled once per interval.
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { startHostProcess } from './host-process.mjs';
import { openMcpSession } from './mcp-client.mjs';
import { killAndWait } from './processes.mjs';

/** How long a host may take to exit after SIGTERM before it is killed (an idle host exits in well under 1 s). */
export const STOP_GRACE_MS = 3_000;

/**
 * @typedef {object} FleetSetup
 * @property {string} mapUrl
 * @property {string} signatureKey
 * @property {number} intervalMs the hosts' refresh interval (no jitter)
 * @property {string | undefined} redisUrl MCP_REDIS_URL; undefined: every host alone
 * @property {string} keyPrefix one fleet per prefix in the shared Redis; also names its hosts' bearer tokens
 * @property {string} tmpDir state dirs go here (removed with the bench's temp dir)
 */

/** @typedef {Awaited<ReturnType<typeof startHostProcess>>} HostProcess */

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * The bearer token host `index` of this fleet sends to the map server (its name in the per-host fetch counts).
 * @param {FleetSetup} setup
 * @param {number} index
 */
export function hostToken(setup, index) {
  return `${setup.keyPrefix}host-${index}`;
}

/**
 * Starts host `index` of the fleet with an empty state dir; resolves once it listens.
 * @param {FleetSetup} setup
 * @param {number} index
 * @returns {Promise<HostProcess>}
 */
export function startFleetHost(setup, index) {
  return startHostProcess({
    stateDir: mkdtempSync(path.join(setup.tmpDir, `fleet-host-${index}-`)),
    serviceMapUrl: setup.mapUrl,
    signatureKey: setup.signatureKey,
    // Jitter 0: "per interval" is well defined, and hosts that start together refresh together (the lease's
    // worst case).
    extraArgs: [
      '--refresh-interval-ms',
      String(setup.intervalMs),
      '--refresh-jitter',
      '0',
      ...(setup.redisUrl ? ['--redis-key-prefix', setup.keyPrefix] : []),
    ],
    env: /** @type {Record<string, string>} */ ({
      CONNECTORS_API_KEY: hostToken(setup, index),
      MCP_REDIS_URL: setup.redisUrl,
      MCP_REDIS_KEY_PREFIX: undefined,
    }),
  });
}

/**
 * The sorted tool names a host lists now.
 * @param {string} url
 */
export async function listToolNames(url) {
  const session = await openMcpSession(url, { connections: 1 });
  try {
    return (await session.listTools()).map((tool) => tool.name).sort();
  } finally {
    await session.close();
  }
}

/**
 * Polls one session's tools/list every 10 ms until `expected` tools are listed (bounded).
 * @param {import('./mcp-client.mjs').McpSession} session
 * @param {number} expected
 * @param {number} timeoutMs
 */
async function untilListed(session, expected, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  let listed = 0;
  while (performance.now() < deadline) {
    listed = (await session.listTools()).length;
    if (listed >= expected) return;
    await sleep(10);
  }
  throw new Error(`a fleet host listed ${listed} of ${expected} tools after ${timeoutMs} ms`);
}

/**
 * Waits until a host lists `expected` tools.
 * @param {string} url
 * @param {number} expected
 * @param {number} [timeoutMs]
 */
export async function waitForFullListing(url, expected, timeoutMs = 30_000) {
  const session = await openMcpSession(url, { connections: 1 });
  try {
    await untilListed(session, expected, timeoutMs);
  } finally {
    await session.close();
  }
}

/**
 * Waits until a host's `/status` shows `connectorCount` connectors, every one `up` with its live tool list (not the
 * catalogue it took from disk or from the fleet): from then on it makes no hydration of its own unless it reconnects.
 * @param {string} url the host's MCP endpoint
 * @param {number} connectorCount
 * @param {number} [timeoutMs]
 */
export async function waitForConnected(url, connectorCount, timeoutMs = 30_000) {
  const statusUrl = new URL('/status', url);
  const deadline = performance.now() + timeoutMs;
  let seen = 'no answer';
  while (performance.now() < deadline) {
    const response = await fetch(statusUrl);
    const status = /** @type {{ connectors?: { state: string, catalogue: string }[] }} */ (
      await response.json()
    );
    const connectors = status.connectors ?? [];
    const live = connectors.filter((entry) => entry.state === 'up' && entry.catalogue === 'live').length;
    if (connectors.length === connectorCount && live === connectorCount) return;
    seen = `${live} of ${connectors.length} connectors up and live`;
    await sleep(20);
  }
  throw new Error(`a fleet host did not connect every connector within ${timeoutMs} ms (${seen})`);
}

/**
 * @typedef {object} JoinFigures
 * @property {HostProcess} host
 * @property {number} listeningMs spawn → "MCP endpoint" line
 * @property {number} firstListing tools at the first tools/list, sent as soon as the host listens
 * @property {number} fullListingMs spawn → a tools/list with every tool
 * @property {number} windowMs the join window: spawn → max(one interval, every connector up and live)
 * @property {Record<string, number>} counted what `read()` counted during the window (every host, not just the joiner)
 */

/**
 * Host `index` joins the running fleet: spawn, first tools/list at once, then polling until the whole catalogue is
 * listed; the join window lasts until every connector of the new host is up with its live tools, and at least one
 * interval. The counters are read at spawn and at the end of the window. The host is pushed onto `hosts` as soon
 * as it runs, so the caller stops it even when a later step fails.
 * @param {FleetSetup} setup
 * @param {number} index
 * @param {{ expected: number, connectorCount: number, hosts: HostProcess[], read: () => Record<string, number> }} options
 * @returns {Promise<JoinFigures>}
 */
export async function joinFleet(setup, index, options) {
  const before = options.read();
  const spawnedAt = performance.now();
  const host = await startFleetHost(setup, index);
  options.hosts.push(host);
  const session = await openMcpSession(host.url, { connections: 1 });
  let firstListing;
  try {
    firstListing = (await session.listTools()).length;
    if (firstListing < options.expected) await untilListed(session, options.expected, 30_000);
  } finally {
    await session.close();
  }
  const fullListingMs = performance.now() - spawnedAt;
  await waitForConnected(host.url, options.connectorCount);
  await sleep(spawnedAt + setup.intervalMs - performance.now());
  const after = options.read();
  return {
    host,
    listeningMs: host.listeningAfterMs,
    firstListing,
    fullListingMs,
    windowMs: performance.now() - spawnedAt,
    counted: difference(after, before),
  };
}

/**
 * Reads the counters at the start and at the end of each of `count` consecutive intervals (absolute deadlines, so
 * the intervals do not drift) and returns what each interval counted.
 * @param {number} count
 * @param {number} intervalMs
 * @param {() => Record<string, number>} read
 * @returns {Promise<Record<string, number>[]>}
 */
export async function countPerInterval(count, intervalMs, read) {
  const startedAt = performance.now();
  let previous = read();
  /** @type {Record<string, number>[]} */
  const perInterval = [];
  for (let index = 1; index <= count; index += 1) {
    await sleep(startedAt + index * intervalMs - performance.now());
    const current = read();
    perInterval.push(difference(current, previous));
    previous = current;
  }
  return perInterval;
}

/**
 * Stops the hosts together (SIGTERM, SIGKILL after {@link STOP_GRACE_MS}); resolves with how many had to be killed.
 * @param {readonly HostProcess[]} hosts
 */
export async function stopFleetHosts(hosts) {
  const killed = await Promise.all(
    hosts.map(async (host) => {
      await killAndWait(host.child, STOP_GRACE_MS);
      return host.child.signalCode === 'SIGKILL';
    }),
  );
  return killed.filter(Boolean).length;
}

/**
 * @param {Record<string, number>} after
 * @param {Record<string, number>} before
 */
function difference(after, before) {
  return Object.fromEntries(Object.entries(after).map(([key, value]) => [key, value - (before[key] ?? 0)]));
}
