import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConnectorServiceMap, ServiceMapError } from '../src/index.js';
import { type Handler, respondWith, startServer, type TestServer } from './helpers/map-server.js';
import { clock, GENERATED_AT_MS, signedMapText, TEST_KEY } from './helpers/maps.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: Handler): Promise<TestServer> {
  server = await startServer(handler);
  return server;
}

async function loadError(options: Parameters<typeof loadConnectorServiceMap>[0]): Promise<ServiceMapError> {
  const error = await loadConnectorServiceMap(options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ServiceMapError);
  return error as ServiceMapError;
}

describe('loading over HTTP', () => {
  it('returns the verified map, its text, generatedAt, expiry and ETag on 200', async () => {
    const text = signedMapText();
    const { origin } = await serve(respondWith(text, 200, { etag: '"v1"' }));
    const result = await loadConnectorServiceMap({
      serviceMapUrl: `${origin}/map`,
      signatureKey: TEST_KEY,
      clock,
    });
    expect(result).toMatchObject({
      notModified: false,
      text,
      etag: '"v1"',
      generatedAtMs: GENERATED_AT_MS,
      expiresAtMs: GENERATED_AT_MS + 300_000,
    });
    if (result.notModified) throw new Error('expected a map');
    expect(result.payload.connectors[0]).toMatchObject({ id: 'arxiv', transport: 'streamable-http' });
  });

  it('sends If-None-Match and returns notModified on 304', async () => {
    const { origin, requests } = await serve((_request, response) => {
      response.writeHead(304, { etag: '"v1"' });
      response.end();
    });
    const result = await loadConnectorServiceMap({
      serviceMapUrl: `${origin}/map`,
      signatureKey: TEST_KEY,
      etag: '"v1"',
    });
    expect(result).toEqual({ notModified: true, etag: '"v1"' });
    expect(requests[0]?.headers['if-none-match']).toBe('"v1"');
  });

  it('sends the API key as a Bearer token and keeps it out of error messages', async () => {
    const apiKey = 'sk-live-secret-123';
    const { origin, requests } = await serve(respondWith('{"error":"nope"}', 403));
    const error = await loadError({ serviceMapUrl: `${origin}/map`, signatureKey: TEST_KEY, apiKey });
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(error).toMatchObject({ code: 'unauthorized', status: 403, url: `${origin}/map` });
    expect(error.message).toContain('CONNECTORS_API_KEY');
    expect(error.message).not.toContain(apiKey);
  });

  it('sends URL credentials as Basic auth and strips them and the query from messages', async () => {
    const { origin, requests } = await serve(respondWith('nope', 404));
    const url = new URL(`${origin}/map?token=query-secret#frag`);
    url.username = 'svc';
    url.password = 'url-secret';
    const error = await loadError({ serviceMapUrl: url, signatureKey: TEST_KEY });
    expect(requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('svc:url-secret').toString('base64')}`,
    );
    expect(requests[0]?.url).toBe('/map?token=query-secret');
    expect(error).toMatchObject({ code: 'http', status: 404, url: `${origin}/map` });
    expect(error.message).not.toMatch(/url-secret|query-secret|svc/);
  });

  it('reports a 5xx as an http error with the Retry-After delay', async () => {
    const { origin } = await serve(respondWith('down', 503, { 'retry-after': '30' }));
    const error = await loadError({ serviceMapUrl: `${origin}/map`, signatureKey: TEST_KEY });
    expect(error).toMatchObject({ code: 'http', status: 503, retryAfterMs: 30_000 });
    expect(error.message).toContain('last good map keeps serving');
  });

  it('refuses a redirect by default and names where it points', async () => {
    const text = signedMapText();
    const { origin } = await serve((request, response) => {
      if (request.url === '/old') {
        response.writeHead(302, { location: '/new?sig=abc' });
        response.end();
      } else respondWith(text)(request, response);
    });
    const error = await loadError({ serviceMapUrl: `${origin}/old`, signatureKey: TEST_KEY, clock });
    expect(error).toMatchObject({ code: 'redirect', status: 302 });
    expect(error.message).toContain(`${origin}/new`);
    expect(error.message).not.toContain('sig=abc');
  });

  it('follows a redirect when followRedirects is set', async () => {
    const text = signedMapText();
    const { origin, requests } = await serve((request, response) => {
      if (request.url === '/old') {
        response.writeHead(301, { location: '/new' });
        response.end();
      } else respondWith(text)(request, response);
    });
    const result = await loadConnectorServiceMap({
      serviceMapUrl: `${origin}/old`,
      signatureKey: TEST_KEY,
      followRedirects: true,
      clock,
    });
    expect(result.notModified).toBe(false);
    expect(requests.map((request) => request.url)).toEqual(['/old', '/new']);
  });

  it('rejects a body that is not JSON with code parse', async () => {
    const { origin } = await serve(respondWith('<html>502 Bad Gateway</html>'));
    const error = await loadError({ serviceMapUrl: `${origin}/map`, signatureKey: TEST_KEY, clock });
    expect(error.code).toBe('parse');
    expect(error.message).toContain('<html>502');
  });

  it('rejects a map with wrong fields with code schema, naming the field paths', async () => {
    const { origin } = await serve(
      respondWith(signedMapText({ ttlSeconds: -1, connectors: [{ id: 'x', status: 'on' }] })),
    );
    const error = await loadError({ serviceMapUrl: `${origin}/map`, signatureKey: TEST_KEY, clock });
    expect(error.code).toBe('schema');
    expect(error.message).toContain('ttlSeconds');
    expect(error.message).toContain('connectors[0]');
  });

  it('rejects a map older than notBefore as stale_replay and accepts an equal one', async () => {
    const { origin } = await serve(respondWith(signedMapText()));
    const options = { serviceMapUrl: `${origin}/map`, signatureKey: TEST_KEY, clock };
    const error = await loadError({ ...options, notBefore: GENERATED_AT_MS + 1 });
    expect(error.code).toBe('stale_replay');
    const same = await loadConnectorServiceMap({ ...options, notBefore: GENERATED_AT_MS });
    expect(same.notModified).toBe(false);
  });

  it('rejects a map generated implausibly far in the future', async () => {
    const { origin } = await serve(respondWith(signedMapText()));
    const error = await loadError({
      serviceMapUrl: `${origin}/map`,
      signatureKey: TEST_KEY,
      clock: () => GENERATED_AT_MS - 10 * 60_000,
    });
    expect(error.code).toBe('future');
  });

  it('reports an unreachable server as a network error', async () => {
    const { origin } = await serve(respondWith('{}'));
    await server?.close();
    server = undefined;
    const error = await loadError({ serviceMapUrl: `${origin}/map`, signatureKey: TEST_KEY });
    expect(error.code).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('sends five sequential loads through one shared Agent over one TCP connection', async () => {
    const text = signedMapText();
    const target = await serve(respondWith(text));
    const agent = new Agent({ connections: 10, pipelining: 1 });
    try {
      for (let load = 0; load < 5; load += 1) {
        const result = await loadConnectorServiceMap({
          serviceMapUrl: `${target.origin}/map`,
          dispatcher: agent,
          signatureKey: TEST_KEY,
          clock,
        });
        expect(result.notModified).toBe(false);
      }
    } finally {
      await agent.close();
    }
    expect(target.requests).toHaveLength(5);
    expect(target.connectionCount).toBe(1);
  });
});
