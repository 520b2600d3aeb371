import { signServiceMap } from '../../src/index.js';

export const TEST_KEY = 'unit-test-signing-key';
export const GENERATED_AT = '2026-01-10T08:00:00.000Z';
export const GENERATED_AT_MS = Date.parse(GENERATED_AT);
/** The injected clock: one minute after the map was generated. */
export const clock = (): number => GENERATED_AT_MS + 60_000;

/** A valid unsigned map; `overrides` replace top-level members. */
export function unsignedMap(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '01JH2Z8XQ5T3V9W7Y1A4B6C8D0',
    brand: 'brAInwav',
    generatedAt: GENERATED_AT,
    ttlSeconds: 300,
    connectors: [
      {
        id: 'arxiv',
        version: '1.0.0',
        name: 'arXiv',
        scopes: ['search:query'],
        status: 'enabled',
        ttl: 300,
        endpoint: 'https://connectors.example.test/arxiv/mcp',
        auth: { type: 'bearer' },
        transport: 'streamable-http',
      },
    ],
    ...overrides,
  };
}

/** The JSON text of a map signed with `key`. */
export function signedMapText(overrides: Record<string, unknown> = {}, key = TEST_KEY): string {
  return JSON.stringify(signServiceMap(unsignedMap(overrides), key));
}
