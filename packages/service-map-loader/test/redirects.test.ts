import type { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type LoadServiceMapOptions, loadConnectorServiceMap } from '../src/index.js';
import { serviceMapError } from './helpers/catch-error.js';
import { type Handler, respondWith, startServer, type TestServer } from './helpers/map-server.js';
import { clock, signedMapText, TEST_KEY } from './helpers/maps.js';
import { portOf, routeEverythingTo } from './helpers/routing-agent.js';

// Everything runs on 127.0.0.1. Two tools make the policy testable there:
// - a second server on another port is another origin (same loopback host), so cross-origin hops are real;
// - `routeEverythingTo` dials the local server for any host name, so a map can be loaded from a public-looking
//   `https://maps.example.test` and redirect to loopback or plain http. Redirects into private and link-local
//   ranges are refused before any connection, so their Locations never need to be reachable.
const servers: TestServer[] = [];
const agents: Agent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: Handler): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

function redirectingTo(location: (request: { url: string }) => string, status = 302): Handler {
  const map = respondWith(signedMapText());
  return (request, response) => {
    if (request.url === '/map') return map(request, response);
    response.writeHead(status, { location: location({ url: request.url ?? '' }) });
    response.end();
  };
}

function routed(server: TestServer): Agent {
  const agent = routeEverythingTo(portOf(server.origin));
  agents.push(agent);
  return agent;
}

const follow = { signatureKey: TEST_KEY, clock, followRedirects: true, timeoutMs: 5_000 } as const;

function load(options: Partial<LoadServiceMapOptions> & { serviceMapUrl: string | URL }) {
  return loadConnectorServiceMap({ ...follow, ...options });
}

describe('redirects, with followRedirects on', () => {
  it('refuses a redirect to another origin that redirectOrigins does not list, without contacting it', async () => {
    const other = await serve(respondWith(signedMapText()));
    const first = await serve(redirectingTo(() => `${other.origin}/map`));
    const error = await serviceMapError(load({ serviceMapUrl: `${first.origin}/old` }));
    expect(error).toMatchObject({ code: 'unsafe_redirect', status: 302, url: `${first.origin}/old` });
    expect(error.message).toContain('another origin');
    expect(error.message).toContain(`add ${other.origin} to redirectOrigins`);
    expect(other.requests).toHaveLength(0);
  });

  it('follows a redirect to a listed origin and never forwards the API key there', async () => {
    const other = await serve(respondWith(signedMapText()));
    const first = await serve(redirectingTo(() => `${other.origin}/map`));
    const result = await load({
      serviceMapUrl: `${first.origin}/old`,
      redirectOrigins: [other.origin],
      apiKey: 'sk-live-secret',
      headers: { cookie: 'session=1' },
    });
    expect(result.notModified).toBe(false);
    expect(first.requests[0]?.headers.authorization).toBe('Bearer sk-live-secret');
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    expect(other.requests[0]?.headers.cookie).toBeUndefined();
  });

  it('keeps credentials on a same-origin redirect', async () => {
    const server = await serve(redirectingTo(() => '/map', 307));
    await load({ serviceMapUrl: `${server.origin}/old`, apiKey: 'sk-live-secret' });
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer sk-live-secret',
      'Bearer sk-live-secret',
    ]);
  });

  it('refuses a redirect from https to plain http, even to the same host and a listed origin', async () => {
    const server = await serve(redirectingTo(() => 'http://maps.example.test/map'));
    const error = await serviceMapError(
      load({
        serviceMapUrl: 'https://maps.example.test/old',
        dispatcher: routed(server),
        redirectOrigins: ['http://maps.example.test'],
      }),
    );
    expect(error.code).toBe('unsafe_redirect');
    expect(error.message).toContain('from https: to plain http:');
    expect(server.requests).toHaveLength(1);
  });

  it('follows a redirect from a public https host to a listed public https origin', async () => {
    const server = await serve(redirectingTo(() => 'https://cdn.example.test/map'));
    const result = await load({
      serviceMapUrl: 'https://maps.example.test/old',
      dispatcher: routed(server),
      redirectOrigins: ['https://cdn.example.test'],
    });
    expect(result.notModified).toBe(false);
    expect(server.requests.map((request) => request.headers.host)).toEqual([
      'maps.example.test',
      'cdn.example.test',
    ]);
  });

  it.each([
    ['loopback 127.0.0.1', 'http://127.0.0.1:8080'],
    ['loopback 127.1.2.3', 'http://127.1.2.3'],
    ['loopback ::1', 'http://[::1]:8080'],
    ['the name localhost', 'http://localhost:8080'],
  ])('refuses a redirect from a public host to %s, even when listed', async (_name, target) => {
    const server = await serve(redirectingTo(() => `${target}/map`));
    const error = await serviceMapError(
      load({
        serviceMapUrl: 'http://maps.example.test/old',
        dispatcher: routed(server),
        redirectOrigins: [target],
      }),
    );
    expect(error.code).toBe('unsafe_redirect');
    expect(error.message).toContain('a loopback address');
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['private', 'http://10.1.2.3'],
    ['private', 'http://172.16.0.1'],
    ['private', 'http://172.31.255.254'],
    ['private', 'http://192.168.1.1'],
    ['private', 'http://[fc00::1]'],
    ['private', 'http://[fd12:3456::1]'],
    ['private', 'http://[::ffff:10.0.0.1]'],
    ['link-local', 'http://169.254.169.254'],
    ['link-local', 'http://[fe80::1]'],
    ['unspecified', 'http://0.0.0.0'],
  ])('refuses a redirect into a %s address (%s), even when listed', async (kind, target) => {
    const server = await serve(redirectingTo(() => `${target}/latest/meta-data`));
    const error = await serviceMapError(
      load({ serviceMapUrl: `${server.origin}/old`, redirectOrigins: [target] }),
    );
    expect(error.code).toBe('unsafe_redirect');
    expect(error.message).toContain(`a ${kind} address`);
  });

  it('lets a map server on a loopback host redirect to another, listed loopback host', async () => {
    const server = await serve(redirectingTo(() => 'http://127.0.0.1:5678/map'));
    const result = await load({
      serviceMapUrl: 'http://localhost:1234/old',
      dispatcher: routed(server),
      redirectOrigins: ['http://127.0.0.1:5678'],
    });
    expect(result.notModified).toBe(false);
    expect(server.requests.map((request) => request.headers.host)).toEqual([
      'localhost:1234',
      '127.0.0.1:5678',
    ]);
  });

  it.each([
    'file:///etc/passwd',
    'data:application/json,{}',
    'javascript:alert(1)',
    'ftp://maps.example.test/map',
  ])('refuses a redirect to a non-http scheme: %s', async (target) => {
    const server = await serve(redirectingTo(() => target));
    const error = await serviceMapError(load({ serviceMapUrl: `${server.origin}/old` }));
    expect(error.code).toBe('unsafe_redirect');
    expect(error.message).toContain('only http: and https: redirects are followed');
  });

  it('refuses a redirect whose target carries credentials, without echoing them', async () => {
    const server = await serve((request, response) => {
      response.writeHead(302, { location: `http://user:pa55word@${request.headers.host}/map` });
      response.end();
    });
    const error = await serviceMapError(load({ serviceMapUrl: `${server.origin}/old` }));
    expect(error.code).toBe('unsafe_redirect');
    expect(error.message).not.toMatch(/pa55word|user:/);
  });

  it('gives up after five redirects in a row', async () => {
    const server = await serve(redirectingTo(({ url }) => `/hop${Number(url.replace('/hop', '')) + 1}`));
    const error = await serviceMapError(load({ serviceMapUrl: `${server.origin}/hop0` }));
    expect(error.code).toBe('redirect');
    expect(error.message).toContain('more than 5 redirects');
    expect(server.requests).toHaveLength(6);
  });

  it('reports a redirect without a Location as redirect', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(302);
      response.end();
    });
    const error = await serviceMapError(load({ serviceMapUrl: `${server.origin}/old` }));
    expect(error.code).toBe('redirect');
    expect(error.message).toContain('without a Location');
  });
});
