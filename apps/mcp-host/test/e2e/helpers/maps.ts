import { randomBytes } from 'node:crypto';
import type { ServiceMapConnector, UnsignedServiceMapPayload } from '@cortex-mcp/service-map-loader';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A map entry for a connector at `endpoint` (no auth unless `extra` says otherwise). */
export function entry(
  id: string,
  endpoint: string,
  extra: Partial<ServiceMapConnector> = {},
): ServiceMapConnector {
  return {
    id,
    version: '1.0.0',
    name: `E2E ${id}`,
    scopes: [`${id}:read`],
    status: 'enabled',
    ttl: 300,
    endpoint,
    auth: { type: 'none' },
    ...extra,
  };
}

let lastGeneratedAtMs = 0;

/**
 * An unsigned map with a fresh id and a strictly newer `generatedAt` than the previous one (never a replay).
 * `ttlSeconds` defaults to 1: the map goes stale at once, so every timer refresh asks the map server.
 */
export function mapOf(connectors: ServiceMapConnector[], ttlSeconds = 1): UnsignedServiceMapPayload {
  lastGeneratedAtMs = Math.max(Date.now(), lastGeneratedAtMs + 1);
  return {
    id: [...randomBytes(26)].map((byte) => CROCKFORD[byte % 32]).join(''),
    brand: 'brAInwav',
    generatedAt: new Date(lastGeneratedAtMs).toISOString(),
    ttlSeconds,
    connectors,
  };
}
