import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorProxyError, RemoteToolProxy } from '../src/index.js';
import { type HttpFixtureServer, startHttpFixture } from './helpers/http-fixture-server.js';
import { createPagedServer, tool } from './helpers/paged-server.js';

let fixture: HttpFixtureServer | undefined;
let proxy: RemoteToolProxy | undefined;

afterEach(async () => {
  await proxy?.disconnect();
  await fixture?.close();
});

async function connectTo(pages: Parameters<typeof createPagedServer>[0], repeatCursor = false) {
  fixture = await startHttpFixture(() => createPagedServer(pages, { repeatCursor }));
  proxy = new RemoteToolProxy({ id: 'paged', url: fixture.streamableUrl });
  await proxy.connect();
  return proxy;
}

describe('getTools', () => {
  it('collects every page of tools/list, following nextCursor', async () => {
    const connected = await connectTo([[tool('a'), tool('b')], [tool('c')], [tool('d'), tool('e')]]);
    const tools = await connected.getTools();
    expect(tools.map((t) => t.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    const listCalls = fixture?.requests.filter((r) => r.method === 'POST').length ?? 0;
    // initialize + initialized + three tools/list pages.
    expect(listCalls).toBe(5);
    expect(connected.tools).toEqual(tools);
  });

  it('fails with a protocol error when the upstream repeats a cursor', async () => {
    const connected = await connectTo([[tool('a')], [tool('b')]], true);
    const error = await connected.getTools().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorProxyError);
    expect((error as ConnectorProxyError).code).toBe('protocol');
    expect((error as Error).message).toMatch(/repeated a tools\/list cursor/);
    // A broken list is the upstream's bug, not a lost connection.
    expect(connected.state).toBe('up');
  });
});

describe('callTool', () => {
  it('turns a JSON-RPC error answer into a protocol error and stays connected', async () => {
    const connected = await connectTo([[tool('a')]]);
    const error = await connected.callTool('a').catch((e: unknown) => e);
    expect((error as ConnectorProxyError).code).toBe('protocol');
    expect((error as Error).message).toMatch(/refusing a/);
    // The upstream's JSON-RPC error code survives, so a host can relay the same error downstream.
    expect((error as ConnectorProxyError).rpcCode).toBe(-32602);
    expect(connected.available).toBe(true);
  });
});
