// Signed service maps for the farm's connectors.
import { randomBytes } from 'node:crypto';
import { signServiceMap } from '@cortex-mcp/service-map-loader';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A random ULID-shaped id (26 Crockford base32 characters). */
export function randomUlid() {
  const bytes = randomBytes(26);
  return [...bytes].map((byte) => CROCKFORD[byte % 32]).join('');
}

/** A fresh signing key for one bench run. */
export function newSignatureKey() {
  return randomBytes(32).toString('base64url');
}

/**
 * @typedef {object} MapConnector
 * @property {string} id
 * @property {string} endpoint
 * @property {boolean} [enabled] default true
 */

/**
 * The signed map text for these connectors (Streamable HTTP, generous connect timeout).
 * @param {readonly MapConnector[]} connectors
 * @param {string} signatureKey
 */
export function signedMapText(connectors, signatureKey) {
  const payload = {
    id: randomUlid(),
    brand: 'bench',
    generatedAt: new Date().toISOString(),
    ttlSeconds: 3600,
    connectors: connectors.map((connector) => ({
      id: connector.id,
      version: '1.0.0',
      name: `Bench connector ${connector.id}`,
      scopes: ['bench:read'],
      status: connector.enabled === false ? 'disabled' : 'enabled',
      ttl: 3600,
      endpoint: connector.endpoint,
      transport: 'streamable-http',
      timeouts: { connectMs: 60_000, callMs: 60_000 },
      metadata: { owner: 'bench', description: `Connector ${connector.id} of the bench farm.` },
    })),
  };
  return JSON.stringify(signServiceMap(payload, signatureKey), null, 2);
}
