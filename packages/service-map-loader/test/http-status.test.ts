import { afterEach, describe, expect, it } from 'vitest';
import { loadConnectorServiceMap } from '../src/index.js';
import { serviceMapError } from './helpers/catch-error.js';
import { respondWith, startServer, type TestServer } from './helpers/map-server.js';
import { clock, TEST_KEY } from './helpers/maps.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function errorFor(status: number, headers: Record<string, string>, extra: { apiKey?: string } = {}) {
  server = await startServer(respondWith('{"error":"nope"}', status, headers));
  return serviceMapError(
    loadConnectorServiceMap({
      serviceMapUrl: `${server.origin}/map`,
      signatureKey: TEST_KEY,
      clock,
      ...extra,
    }),
  );
}

// The injected clock sits on a whole second, so an HTTP-date (second precision) gives an exact delay.
const inTwoMinutes = new Date(clock() + 120_000).toUTCString();
const anHourAgo = new Date(clock() - 3_600_000).toUTCString();

describe('statuses that ask the caller to back off', () => {
  it.each<[number, string, number]>([
    [503, '30', 30_000],
    [500, '0', 0],
    [502, inTwoMinutes, 120_000],
    [504, 'Sun, 06 Nov 1994 08:49:37 GMT', 0],
    [429, '7', 7_000],
    [429, inTwoMinutes, 120_000],
    [429, anHourAgo, 0],
    [503, '31536000', 86_400_000],
  ])('exposes retryAfterMs for HTTP %i with Retry-After "%s"', async (status, retryAfter, expectedMs) => {
    const error = await errorFor(status, { 'retry-after': retryAfter });
    expect(error).toMatchObject({ code: 'http', status, retryAfterMs: expectedMs });
    expect(error.message).toContain(`retry after ${expectedMs} ms`);
  });

  it.each(['soon', '1.5', '-5', '2026-01-10'])(
    'ignores a Retry-After that is neither seconds nor an HTTP-date: "%s"',
    async (retryAfter) => {
      const error = await errorFor(503, { 'retry-after': retryAfter });
      expect(error).toMatchObject({ code: 'http', status: 503, retryAfterMs: undefined });
    },
  );

  it('leaves retryAfterMs unset for a 5xx without Retry-After', async () => {
    const error = await errorFor(500, {});
    expect(error).toMatchObject({ code: 'http', status: 500, retryAfterMs: undefined });
    expect(error.message).toContain('last good map keeps serving');
  });
});

describe('statuses that refuse the credentials', () => {
  it.each([401, 403])(
    'reports HTTP %i as unauthorized, asking to check the API key without printing it',
    async (status) => {
      const apiKey = 'sk-live-very-secret-0123';
      const error = await errorFor(status, {}, { apiKey });
      expect(error).toMatchObject({ code: 'unauthorized', status });
      expect(error.message).toContain('check the API key (apiKey, CONNECTORS_API_KEY)');
      expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(apiKey);
    },
  );

  it('says when no API key was sent at all', async () => {
    const error = await errorFor(401, { 'www-authenticate': 'Bearer' });
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain('No API key was sent');
  });
});
