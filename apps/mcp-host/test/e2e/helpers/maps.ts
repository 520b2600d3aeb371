import type { ServiceMapConnector, UnsignedServiceMapPayload } from '@cortex-mcp/service-map-loader';
import { buildMap } from '../../support/maps.js';

export { entry } from '../../support/maps.js';

/**
 * An unsigned map, never a replay. `ttlSeconds` defaults to 1: the map goes stale at once, so every timer refresh
 * asks the map server.
 */
export function mapOf(connectors: ServiceMapConnector[], ttlSeconds = 1): UnsignedServiceMapPayload {
  return buildMap(connectors, { ttlSeconds, minStepMs: 1 });
}
