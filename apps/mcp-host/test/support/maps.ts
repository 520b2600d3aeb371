// Service-map builders shared by the manager and end-to-end tests.
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
    name: `Test ${id}`,
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
 * An unsigned map with a fresh id and a `generatedAt` at least `minStepMs` newer than the previous one built in this
 * process (never a replay).
 */
export function buildMap(
  connectors: ServiceMapConnector[],
  { ttlSeconds, minStepMs }: { ttlSeconds: number; minStepMs: number },
): UnsignedServiceMapPayload {
  lastGeneratedAtMs = Math.max(Date.now(), lastGeneratedAtMs + minStepMs);
  return {
    id: [...randomBytes(26)].map((byte) => CROCKFORD[byte % 32]).join(''),
    brand: 'brAInwav',
    generatedAt: new Date(lastGeneratedAtMs).toISOString(),
    ttlSeconds,
    connectors,
  };
}
