import { Agent, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteToolProxy } from '../src/index.js';
import { createFixtureMcpServer, newObservations } from './helpers/fixture-tools.js';
import { type HttpFixtureServer, startHttpFixture } from './helpers/http-fixture-server.js';

const CONNECTORS = 12;
let fixture: HttpFixtureServer;
let agent: Agent;

beforeAll(async () => {
  fixture = await startHttpFixture(() => createFixtureMcpServer(newObservations()));
  agent = new Agent({ connections: 10, pipelining: 1 });
});
afterAll(async () => {
  await agent.close();
  await fixture.close();
});

describe('one shared Agent with connections: 10', () => {
  it.each(['sse', 'streamable-http'] as const)(
    'connects and answers calls for twelve %s connectors on one origin',
    async (transport) => {
      // Count what goes through the shared pool.
      const sharedMethods: string[] = [];
      const shared: Dispatcher = agent.compose((dispatch) => (options, handler) => {
        sharedMethods.push(options.method);
        return dispatch(options, handler);
      });
      const proxies = Array.from(
        { length: CONNECTORS },
        (_, index) =>
          new RemoteToolProxy({
            id: `pool-${transport}-${index}`,
            transport,
            url: transport === 'sse' ? fixture.sseUrl : fixture.streamableUrl,
            dispatcher: shared,
            connectTimeoutMs: 5_000,
            callTimeoutMs: 5_000,
          }),
      );
      try {
        await Promise.all(proxies.map((proxy) => proxy.connect()));
        // Every stream is open at once while the calls run.
        const results = await Promise.all(
          proxies.map((proxy, index) => proxy.callTool('echo', { text: `call-${index}` })),
        );
        expect(results.map((result) => result.content)).toEqual(
          proxies.map((_, index) => [{ type: 'text', text: `call-${index}` }]),
        );
        expect(proxies.every((proxy) => proxy.available)).toBe(true);
        // Request/response traffic uses the shared pool; the long-lived GET streams never do.
        expect(sharedMethods.filter((method) => method === 'POST').length).toBeGreaterThanOrEqual(
          3 * CONNECTORS,
        );
        expect(sharedMethods).not.toContain('GET');
      } finally {
        await Promise.all(proxies.map((proxy) => proxy.disconnect()));
      }
    },
  );

  it('would starve if the streams shared the request pool (the failure the stream dispatcher prevents)', async () => {
    const tiny = new Agent({ connections: 1, pipelining: 1 });
    const proxy = new RemoteToolProxy({
      id: 'starved',
      transport: 'sse',
      url: fixture.sseUrl,
      dispatcher: tiny,
      streamDispatcher: tiny,
      connectTimeoutMs: 500,
    });
    try {
      const error = await proxy.connect().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'connect_timeout' });
    } finally {
      await proxy.disconnect();
      await tiny.destroy();
    }
  });
});
