// A user's module against @cortex-mcp/service-map-loader's published types (which pull in zod's and undici's);
// pack-check type-checks it in the scratch project under node16 (ESM and CJS) and bundler resolution. Never run.
import {
  loadConnectorServiceMap,
  parseServiceMap,
  type ServiceMapConnector,
  ServiceMapError,
  type ServiceMapLoadResult,
  signServiceMap,
  type UnsignedServiceMapPayload,
} from '@cortex-mcp/service-map-loader';

const unsigned: UnsignedServiceMapPayload = {
  id: 'map-1',
  brand: 'cortex',
  generatedAt: '2026-01-01T00:00:00Z',
  ttlSeconds: 300,
  connectors: [],
};

export const signed = signServiceMap(unsigned, 'key');
export const signature: string = signed.signature;
export const connectors: readonly ServiceMapConnector[] = parseServiceMap(JSON.stringify(signed), {
  signatureKey: 'key',
}).payload.connectors;

export function load(): Promise<ServiceMapLoadResult> {
  return loadConnectorServiceMap({ serviceMapUrl: 'https://maps.example/map.json', signatureKey: 'key' });
}

export function retryAfterMs(error: unknown): number | undefined {
  return error instanceof ServiceMapError && error.code === 'http' ? error.retryAfterMs : undefined;
}

export function loadThroughString(): Promise<ServiceMapLoadResult> {
  // @ts-expect-error dispatcher is an undici Dispatcher; fails to compile if undici's types do not resolve.
  return loadConnectorServiceMap({ serviceMapUrl: 'https://maps.example/map.json', dispatcher: 'pool' });
}

// @ts-expect-error ttlSeconds is a number (zod's inferred type); fails to compile if zod's types do not resolve.
export const textTtl: UnsignedServiceMapPayload = { ...unsigned, ttlSeconds: 'soon' };

export function loadWithoutUrl(): Promise<ServiceMapLoadResult> {
  // @ts-expect-error serviceMapUrl is required; fails to compile if the types degrade to `any`.
  return loadConnectorServiceMap({ signatureKey: 'key' });
}
