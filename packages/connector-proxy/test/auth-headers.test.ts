import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectorAuth, ConnectorProxyError, RemoteToolProxy } from '../src/index.js';
import { createFixtureMcpServer, newObservations } from './helpers/fixture-tools.js';
import { type HttpFixtureServer, startHttpFixture } from './helpers/http-fixture-server.js';

const KEY = 'sk-test-secret-1234';
let fixture: HttpFixtureServer;

beforeAll(async () => {
  fixture = await startHttpFixture(() => createFixtureMcpServer(newObservations()), {
    authorize: (headers) => headers['x-reject-me'] === undefined,
  });
});
afterAll(async () => {
  await fixture.close();
});

/** Connects, calls one tool, disconnects; returns every request the upstream saw for it. */
async function requestsSeenWith(
  transport: 'streamable-http' | 'sse',
  auth: ConnectorAuth | undefined,
  headers?: Record<string, string>,
) {
  const before = fixture.requests.length;
  const proxy = new RemoteToolProxy({
    id: 'auth',
    transport,
    url: transport === 'sse' ? fixture.sseUrl : fixture.streamableUrl,
    auth,
    headers,
  });
  await proxy.connect();
  await proxy.callTool('echo', { text: 'x' });
  await proxy.disconnect();
  const seen = fixture.requests.slice(before);
  // The event stream (GET) and the messages (POST) must both carry the headers.
  expect(new Set(seen.map((r) => r.method))).toEqual(
    new Set(transport === 'sse' ? ['GET', 'POST'] : ['GET', 'POST', 'DELETE']),
  );
  return seen;
}

describe.each(['streamable-http', 'sse'] as const)('auth headers over %s', (transport) => {
  it('sends Authorization: Bearer <key> for bearer auth', async () => {
    const seen = await requestsSeenWith(transport, { type: 'bearer', key: KEY });
    for (const request of seen) expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('sends the key in the named header for apiKey auth', async () => {
    const seen = await requestsSeenWith(transport, {
      type: 'apiKey',
      headerName: 'X-Connector-Key',
      key: KEY,
    });
    for (const request of seen) {
      expect(request.headers['x-connector-key']).toBe(KEY);
      expect(request.headers.authorization).toBeUndefined();
    }
  });

  it('sends the Bearer form for apiKey auth whose header is Authorization', async () => {
    const seen = await requestsSeenWith(transport, { type: 'apiKey', headerName: 'Authorization', key: KEY });
    for (const request of seen) expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('sends no auth header for none, and the static extra headers always', async () => {
    const seen = await requestsSeenWith(transport, { type: 'none' }, { 'X-Tenant': 'acme', 'X-Trace': 't1' });
    for (const request of seen) {
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers['x-api-key']).toBeUndefined();
      expect(request.headers['x-tenant']).toBe('acme');
      expect(request.headers['x-trace']).toBe('t1');
    }
  });
});

describe('auth failures', () => {
  it('reports a 401 as unauthorized without the key in the message', async () => {
    const proxy = new RemoteToolProxy({
      id: 'rejected',
      url: fixture.streamableUrl,
      auth: { type: 'bearer', key: KEY },
      headers: { 'X-Reject-Me': '1' },
    });
    const error = await proxy.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorProxyError);
    expect((error as ConnectorProxyError).code).toBe('unauthorized');
    expect((error as ConnectorProxyError).connectorId).toBe('rejected');
    expect((error as Error).message).not.toContain(KEY);
    expect(proxy.state).toBe('idle');
    await proxy.disconnect();
  });

  it('refuses bearer auth without a key as invalid_options', () => {
    expect(
      () => new RemoteToolProxy({ id: 'nokey', url: fixture.streamableUrl, auth: { type: 'bearer' } }),
    ).toThrow(expect.objectContaining({ code: 'invalid_options' }));
  });

  it('lets the auth header win over an extra header of the same name', async () => {
    const seen = await requestsSeenWith(
      'streamable-http',
      { type: 'bearer', key: KEY },
      {
        authorization: 'Basic other',
      },
    );
    for (const request of seen) expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
  });
});
