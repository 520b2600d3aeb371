import { afterEach, describe, expect, it } from 'vitest';
import { loadConnectorServiceMap, parseServiceMap } from '../src/index.js';
import { respondWith, startServer, type TestServer } from './helpers/map-server.js';
import { GENERATED_AT_MS, signedMapText, TEST_KEY } from './helpers/maps.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

// The helper map is signed with ttlSeconds 300.
const EXPIRES_AT_MS = GENERATED_AT_MS + 300_000;

describe('signed expiry', () => {
  it('returns a map past its signed expiry with expired: true, so it is served only as stale', async () => {
    server = await startServer(respondWith(signedMapText()));
    const result = await loadConnectorServiceMap({
      serviceMapUrl: `${server.origin}/map`,
      signatureKey: TEST_KEY,
      clock: () => EXPIRES_AT_MS + 3_600_000,
    });
    expect(result).toMatchObject({ notModified: false, expired: true, expiresAtMs: EXPIRES_AT_MS });
  });

  it.each<[string, number, boolean]>([
    ['one millisecond before expiresAtMs', EXPIRES_AT_MS - 1, false],
    ['exactly at expiresAtMs', EXPIRES_AT_MS, true],
    ['long after expiresAtMs', EXPIRES_AT_MS + 86_400_000, true],
  ])('flags expired %s', (_when, nowMs, expired) => {
    const verified = parseServiceMap(signedMapText(), { signatureKey: TEST_KEY, clock: () => nowMs });
    expect(verified).toMatchObject({ expired, expiresAtMs: EXPIRES_AT_MS });
  });
});
