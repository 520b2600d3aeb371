import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorProxyError, RemoteToolProxy } from '../src/index.js';
import {
  type CatalogueServerOptions,
  createCatalogueServer,
  newSeen,
  onePageEach,
} from './helpers/catalogue-server.js';
import { type HttpFixtureServer, startHttpFixture } from './helpers/http-fixture-server.js';
import { waitUntil } from './helpers/wait.js';

let fixture: HttpFixtureServer | undefined;
let proxy: RemoteToolProxy | undefined;

afterEach(async () => {
  await proxy?.disconnect();
  await fixture?.close();
  proxy = undefined;
  fixture = undefined;
});

function startUpstream(options: Partial<CatalogueServerOptions> = {}, port = 0) {
  const full = { pages: onePageEach(), seen: newSeen(), ...options };
  return startHttpFixture(() => createCatalogueServer(full), { port }).then((upstream) => ({
    upstream,
    seen: full.seen,
  }));
}

function connectProxy(
  upstream: HttpFixtureServer,
  extra: Partial<ConstructorParameters<typeof RemoteToolProxy>[0]> = {},
) {
  proxy = new RemoteToolProxy({
    id: 'subscriber',
    url: upstream.streamableUrl,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100, factor: 2 },
    ...extra,
  });
  return proxy.connect().then(() => proxy as RemoteToolProxy);
}

describe('resource subscriptions', () => {
  it('subscribes and unsubscribes upstream and keeps the set of subscribed URIs', async () => {
    const { upstream, seen } = await startUpstream();
    fixture = upstream;
    const connected = await connectProxy(upstream);
    await connected.subscribeResource('fixture://a');
    await connected.subscribeResource('fixture://b');
    expect(seen.subscribed).toEqual(['fixture://a', 'fixture://b']);
    expect([...connected.subscriptions]).toEqual(['fixture://a', 'fixture://b']);

    await connected.unsubscribeResource('fixture://a');
    expect(seen.unsubscribed).toEqual(['fixture://a']);
    expect([...connected.subscriptions]).toEqual(['fixture://b']);

    await connected.disconnect();
    expect(connected.subscriptions.size).toBe(0);
  });

  it('delivers the upstream notifications/resources/updated to onResourceUpdated', async () => {
    const { upstream } = await startUpstream();
    fixture = upstream;
    const updated: string[] = [];
    const connected = await connectProxy(upstream, { onResourceUpdated: (uri) => updated.push(uri) });
    await connected.subscribeResource('fixture://text');
    await waitUntil(() => upstream.requests.some((r) => r.method === 'GET'), 5_000, 'standalone stream');
    await (upstream.servers.at(-1) as Server).sendResourceUpdated({ uri: 'fixture://text' });
    await waitUntil(() => updated.length > 0, 5_000, 'onResourceUpdated');
    expect(updated).toEqual(['fixture://text']);
  });

  it('re-subscribes after the proxy reconnects, dropping a URI the new session refuses', async () => {
    const first = await startUpstream();
    fixture = first.upstream;
    const availability: boolean[] = [];
    const connected = await connectProxy(first.upstream, {
      onAvailabilityChange: (up) => availability.push(up),
    });
    await connected.subscribeResource('fixture://text');
    await connected.subscribeResource('fixture://refused');
    const { port } = first.upstream;
    await first.upstream.close();
    await waitUntil(() => availability.length === 2, 10_000, 'availability down');
    expect(connected.subscriptions.size).toBe(2);

    const second = await startUpstream({ refuseSubscribe: ['fixture://refused'] }, port);
    fixture = second.upstream;
    await waitUntil(() => connected.subscriptions.size === 1, 10_000, 'refused URI dropped');
    await waitUntil(() => second.seen.subscribed.length === 1, 10_000, 're-subscription counted');
    expect(second.seen.subscribed).toEqual(['fixture://text']);
    expect(second.seen.methods.filter((m) => m === 'resources/subscribe')).toHaveLength(2);
    expect([...connected.subscriptions]).toEqual(['fixture://text']);
  });

  it('forgets a subscription without a request while the connection is down', async () => {
    const { upstream, seen } = await startUpstream();
    fixture = upstream;
    const connected = await connectProxy(upstream);
    await connected.subscribeResource('fixture://text');
    await upstream.close();
    fixture = undefined;
    await waitUntil(() => connected.state === 'down', 10_000, 'state down');
    await connected.unsubscribeResource('fixture://text');
    expect(connected.subscriptions.size).toBe(0);
    expect(seen.unsubscribed).toEqual([]);
  });

  it('fails with unsupported, without a request, when the upstream does not offer subscriptions', async () => {
    const { upstream, seen } = await startUpstream({ capabilities: { resources: { listChanged: true } } });
    fixture = upstream;
    const connected = await connectProxy(upstream);
    const error = await connected.subscribeResource('fixture://text').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorProxyError);
    expect((error as ConnectorProxyError).code).toBe('unsupported');
    expect((error as Error).message).toContain('resources.subscribe');
    expect(connected.subscriptions.size).toBe(0);
    expect(seen.methods).not.toContain('resources/subscribe');
  });
});
