import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorManagerError } from '../../src/errors.js';
import { type EgressLookup, EgressPolicy } from '../../src/upstream/egress-policy.js';
import { UpstreamPool } from '../../src/upstream/upstream-pool.js';

/** A resolver with fixed answers, standing in for DNS (the connection itself is real). */
function fakeDns(answers: Record<string, string[]>): EgressLookup {
  return (hostname, _options, callback) => {
    const addresses = answers[hostname];
    if (!addresses) {
      const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      callback(error, '');
      return;
    }
    const list: LookupAddress[] = addresses.map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
    callback(null, list);
  };
}

describe('EgressPolicy.refusal', () => {
  const policy = new EgressPolicy();

  it.each([
    ['10.1.2.3'],
    ['172.16.0.1'],
    ['192.168.1.1'],
    ['169.254.169.254'],
    ['100.64.0.1'],
    ['0.0.0.0'],
    ['fd00::1'],
    ['fe80::1'],
    ['::ffff:10.0.0.1'],
  ])('refuses the internal address %s, naming the setting that allows it', (address) => {
    expect(policy.refusal(address, 'https:')).toContain('MCP_EGRESS_ALLOWED_NETWORKS');
  });

  it('allows loopback over http and https', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      expect(policy.refusal(address, 'http:')).toBeUndefined();
      expect(policy.refusal(address, 'https:')).toBeUndefined();
    }
  });

  it('allows public addresses over https and refuses them over plain http', () => {
    expect(policy.refusal('93.184.216.34', 'https:')).toBeUndefined();
    expect(policy.refusal('93.184.216.34', 'http:')).toContain('MCP_EGRESS_ALLOW_INSECURE_HTTP');
    expect(new EgressPolicy({ allowInsecureHttp: true }).refusal('93.184.216.34', 'http:')).toBeUndefined();
  });

  it('allows a private network once listed, and only that network', () => {
    const allowing = new EgressPolicy({ allowedNetworks: ['10.0.0.0/8', 'fd00::/8', '192.168.7.7'] });
    expect(allowing.refusal('10.200.1.1', 'https:')).toBeUndefined();
    expect(allowing.refusal('fd12::5', 'https:')).toBeUndefined();
    expect(allowing.refusal('192.168.7.7', 'https:')).toBeUndefined();
    expect(allowing.refusal('192.168.7.8', 'https:')).toBeDefined();
    expect(allowing.refusal('172.16.0.1', 'https:')).toBeDefined();
  });

  it('rejects an allowed-network entry that is no CIDR block, naming it', () => {
    const attempt = () => new EgressPolicy({ allowedNetworks: ['10.0.0.0/33'] });
    expect(attempt).toThrow(ConnectorManagerError);
    expect(attempt).toThrow('"10.0.0.0/33"');
  });
});

describe('EgressPolicy.lookupFor', () => {
  const resolve = (policy: EgressPolicy, host: string, all: boolean) =>
    new Promise<{ error: Error | null; address: string | LookupAddress[] }>((done) => {
      policy.lookupFor('https:')(host, { all } as never, (error, address) => done({ error, address }));
    });

  it('drops refused answers, so a name that also resolves to an internal address reaches only the public one', async () => {
    const policy = new EgressPolicy({ lookup: fakeDns({ 'mixed.test': ['10.0.0.5', '93.184.216.34'] }) });
    expect(await resolve(policy, 'mixed.test', false)).toEqual({ error: null, address: '93.184.216.34' });
    expect(await resolve(policy, 'mixed.test', true)).toEqual({
      error: null,
      address: [{ address: '93.184.216.34', family: 4 }],
    });
  });

  it('fails with egress_refused when every answer is refused', async () => {
    const policy = new EgressPolicy({ lookup: fakeDns({ 'metadata.test': ['169.254.169.254'] }) });
    const { error } = await resolve(policy, 'metadata.test', false);
    expect(error).toBeInstanceOf(ConnectorManagerError);
    expect((error as ConnectorManagerError).code).toBe('egress_refused');
    expect(error?.message).toContain('metadata.test');
    expect(error?.message).toContain('169.254.169.254');
  });
});

describe('UpstreamPool with an egress policy', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  async function loopbackServer(): Promise<{ port: number; connections: () => number }> {
    let connections = 0;
    const server = http.createServer((_req, res) => res.end('ok'));
    server.on('connection', () => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return { port: (server.address() as AddressInfo).port, connections: () => connections };
  }

  it('connects to the allowed address a name resolves to, and refuses a name that resolves only to internal ones', async () => {
    const server = await loopbackServer();
    const egress = new EgressPolicy({
      lookup: fakeDns({ 'local.test': ['10.9.9.9', '127.0.0.1'], 'internal.test': ['10.9.9.9'] }),
    });
    const pool = new UpstreamPool({ connections: 2, http2: false, egress });
    closers.push(() => pool.close());
    const ok = await request(`http://local.test:${server.port}/`, { dispatcher: pool.requests });
    expect(await ok.body.text()).toBe('ok');
    await expect(
      request(`http://internal.test:${server.port}/`, { dispatcher: pool.requests }),
    ).rejects.toMatchObject({
      code: 'egress_refused',
    });
    await expect(
      request(`http://10.9.9.9:${server.port}/`, { dispatcher: pool.streams }),
    ).rejects.toMatchObject({
      code: 'egress_refused',
    });
    expect(server.connections()).toBe(1);
  });

  it('leaves an exempt origin (the map endpoint) alone', async () => {
    const map = await loopbackServer();
    const connector = await loopbackServer();
    // For the policy "localhost" resolves to an internal address; the exempt origin uses the system resolver.
    const egress = new EgressPolicy({ lookup: fakeDns({ localhost: ['10.9.9.9'] }) });
    const exempt = `http://localhost:${map.port}`;
    const pool = new UpstreamPool({ connections: 2, http2: false, egress, egressExemptOrigins: [exempt] });
    closers.push(() => pool.close());
    expect(await (await request(`${exempt}/`, { dispatcher: pool.requests })).body.text()).toBe('ok');
    await expect(
      request(`http://localhost:${connector.port}/`, { dispatcher: pool.requests }),
    ).rejects.toMatchObject({ code: 'egress_refused' });
    expect(connector.connections()).toBe(0);
  });
});
