// A counting service-map server for the fleet scenario: every request gets a map signed just then, with
// generatedAt = now and a lifetime of one refresh interval, so a host (or a fleet) needs one fetch per interval.
// It serves no ETag: a 304 would keep the old expiry, and every map is new anyway. Each host sends its own bearer
// token (CONNECTORS_API_KEY), so fetches are counted per host as well as in total.
import http from 'node:http';
import { signServiceMap } from '@cortex-mcp/service-map-loader';
import { randomUlid } from './service-map.mjs';

/**
 * @typedef {object} FleetMapServerOptions
 * @property {readonly { id: string, endpoint: string }[]} connectors every one enabled, Streamable HTTP
 * @property {string} signatureKey
 * @property {number} ttlSeconds the signed lifetime (whole seconds: the map format's unit)
 * @property {() => number} [clock] epoch ms for generatedAt; default Date.now
 */

/**
 * The signed map text for this instant.
 * @param {FleetMapServerOptions} options
 * @param {number} nowMs
 */
export function fleetMapText(options, nowMs) {
  const payload = {
    id: randomUlid(),
    brand: 'bench-fleet',
    generatedAt: new Date(nowMs).toISOString(),
    ttlSeconds: options.ttlSeconds,
    connectors: options.connectors.map((connector) => ({
      id: connector.id,
      version: '1.0.0',
      name: `Fleet connector ${connector.id}`,
      scopes: ['bench:read'],
      status: 'enabled',
      ttl: 3600,
      endpoint: connector.endpoint,
      transport: 'streamable-http',
      timeouts: { connectMs: 30_000, callMs: 30_000 },
      metadata: { owner: 'bench', description: `Connector ${connector.id} of the fleet farm.` },
    })),
  };
  return JSON.stringify(signServiceMap(payload, options.signatureKey));
}

/**
 * Starts the map server on 127.0.0.1 (ephemeral port).
 * @param {FleetMapServerOptions} options
 */
export async function startFleetMapServer(options) {
  const clock = options.clock ?? Date.now;
  const stats = { fetches: 0 };
  /** Fetches per bearer token (one token per host); "" for a request without one. */
  const byHost = new Map();
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  const server = http.createServer((request, response) => {
    if (request.url !== '/service-map.json' || request.method !== 'GET') {
      response.writeHead(404).end();
      return;
    }
    stats.fetches += 1;
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    byHost.set(token, (byHost.get(token) ?? 0) + 1);
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(fleetMapText(options, clock()));
  });
  // Hosts keep their pooled connection open between refreshes: no idle cut-off within the run.
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}/service-map.json`,
    stats,
    /** @param {string} token the host's bearer token */
    fetchesBy: (token) => byHost.get(token) ?? 0,
    async close() {
      const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof startFleetMapServer>>} FleetMapServer */
