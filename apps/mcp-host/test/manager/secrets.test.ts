import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDemoConnector } from '../../src/demo/demo-connector.js';
import { entry, firstText, mapOf, registryFileOf, STDIO_SERVER, TestBed, toolNames } from './fixtures.js';
import { RecordingProxy } from './recording-proxy.js';

// Distinctive values: any of them in /status or a log line is a leak.
const SECRETS = {
  apiKey: 'APIKEY-SECRET-7f3a9c',
  signatureKey: 'SIGKEY-SECRET-91bc2e',
  mapPassword: 'MAPPASS-SECRET-0d4e',
  mapQueryToken: 'MAPQUERY-SECRET-66a1',
  endpointQueryToken: 'URLQUERY-SECRET-b7c2',
  mapHeader: 'HEADER-SECRET-1e55',
  failingHeader: 'HEADER-SECRET-2f90',
  registryHeader: 'REGHEADER-SECRET-5e6f',
  stdioEnv: 'ENV-SECRET-d41d8c',
  brokenEnv: 'ENV-SECRET-a0b1c2',
} as const;

let bed: TestBed;
let proxy: RecordingProxy;
beforeEach(async () => {
  bed = await new TestBed().start();
  proxy = await new RecordingProxy().listen();
});
afterEach(async () => {
  await bed.close();
  await proxy.close();
});

describe('secrets', () => {
  it('never show up in status() or in any log line, on success and failure paths alike', async () => {
    const upstreams = await Promise.all([
      startDemoConnector({ name: 'secured', requiredBearer: SECRETS.apiKey }),
      startDemoConnector({ name: 'rejecting', requiredBearer: 'a-key-the-host-does-not-have' }),
      startDemoConnector({ name: 'remote', requiredBearer: SECRETS.registryHeader }),
    ]);
    bed.connectors.push(...upstreams);
    const [secured, rejecting, remote] = upstreams as [
      (typeof upstreams)[0],
      (typeof upstreams)[0],
      (typeof upstreams)[0],
    ];
    Object.defineProperty(bed.publisher, 'signatureKey', { value: SECRETS.signatureKey });
    const securedUrl = `${secured.streamableUrl}?access_token=${SECRETS.endpointQueryToken}`;
    bed.publisher.publish(
      mapOf([
        entry('secured', proxy.route('secured', securedUrl), {
          auth: { type: 'bearer' },
          headers: { 'X-Tenant-Token': SECRETS.mapHeader },
        }),
        entry('rejecting', rejecting.streamableUrl, {
          auth: { type: 'apiKey', headerName: 'Authorization' },
          headers: { 'X-Tenant-Token': SECRETS.failingHeader },
          timeouts: { callMs: 200 },
        }),
      ]),
    );
    const registryPath = await registryFileOf(bed, [
      {
        name: 'local',
        transport: 'stdio',
        command: process.execPath,
        args: [STDIO_SERVER, 'local'],
        env: { FIXTURE_SECRET: SECRETS.stdioEnv },
      },
      {
        name: 'broken',
        transport: 'stdio',
        command: process.execPath,
        args: ['-e', 'process.exit(3)'],
        env: { BROKEN_SECRET: SECRETS.brokenEnv },
      },
      {
        name: 'remote',
        transport: 'streamable-http',
        url: remote.streamableUrl,
        headers: { Authorization: `Bearer ${SECRETS.registryHeader}` },
      },
    ]);
    const mapUrl = new URL(bed.mapUrl);
    mapUrl.username = 'mapuser';
    mapUrl.password = SECRETS.mapPassword;
    mapUrl.searchParams.set('token', SECRETS.mapQueryToken);
    const { manager, registry, logs, waitForLog } = bed.manager({
      serviceMapUrl: mapUrl.href,
      apiKey: SECRETS.apiKey,
      signatureKeys: [SECRETS.signatureKey],
      stateDir: await bed.tempDir(),
      registryPath,
    });

    await manager.start();
    // The secrets were really in use: the connectors that need them are up and got them.
    expect(toolNames(registry)).toEqual(
      expect.arrayContaining(['secured.echo', 'remote.echo', 'local.whoami']),
    );
    const [securedInit] = proxy.eventsOf('secured');
    expect(securedInit?.headers).toMatchObject({
      authorization: `Bearer ${SECRETS.apiKey}`,
      'x-tenant-token': SECRETS.mapHeader,
    });
    const whoami = JSON.parse(firstText(await registry.getTool('local.whoami')?.handler({}, {}))) as {
      secretSha256: string;
    };
    expect(whoami.secretSha256).toBe(createHash('sha256').update(SECRETS.stdioEnv).digest('hex'));
    // And the failure paths ran: a 401, a child that exits at once, a failed map load.
    expect(manager.status().lastSync).toMatchObject({ enabled: 5, failed: 2 });
    bed.publisher.setDown(true);
    await manager.refresh();
    expect(manager.status().map.lastError?.code).toBe('http');
    const warned = logs.filter((line) => line.level === 40).map((line) => line.connectorId);
    expect(warned).toEqual(expect.arrayContaining([undefined, 'rejecting', 'broken']));
    // The stdio child's stderr is logged too (debug): it must not carry its env either.
    await waitForLog(
      (line) => line.connectorId === 'local' && typeof line.stderr === 'string',
      'stderr line',
    );

    const status = JSON.stringify(manager.status());
    await manager.disconnect();
    const logText = JSON.stringify(logs);
    for (const [name, secret] of Object.entries(SECRETS)) {
      expect(status.includes(secret), `status() contains ${name}`).toBe(false);
      expect(logText.includes(secret), `the logs contain ${name}`).toBe(false);
    }
  });
});
