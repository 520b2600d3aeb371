// Acceptance point 6: what an operator sees. /metrics carries the seed's four metrics after one sync and one call,
// /readyz flips from 503 to 200 once a map arrives, and neither /status nor the host's output holds a secret.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { MapPublisher } from '../../src/demo/map-publisher.js';
import { connectHttp, type E2eClient } from './helpers/clients.js';
import { fetchStatus, metricSample, tempCortexHome } from './helpers/host-observation.js';
import { type HostProcess, startHostProcess } from './helpers/host-process.js';
import { entry, mapOf } from './helpers/maps.js';
import { waitFor } from './helpers/wait.js';

const API_KEY = `e2e-api-key-${randomBytes(12).toString('hex')}`;
const publisher = new MapPublisher();
let alpha: DemoConnector;
let beta: DemoConnector;
let home: { dir: string; remove: () => Promise<void> };
let host: HostProcess;
let client: E2eClient | undefined;

async function metricsText(): Promise<string> {
  const response = await fetch(`${host.baseUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

async function syncedClient(): Promise<E2eClient> {
  await waitFor('a sync with both connectors up', async () => {
    const status = await fetchStatus(host.baseUrl);
    // "available" flips before a connector's tools are registered, and the catalogue is written at the end of the
    // sync: wait for a finished sync of both connectors with all ten tools registered.
    return (
      status.connectors.length === 2 &&
      status.connectors.every((connector) => connector.available) &&
      status.registry.toolCount === 10 &&
      status.lastSync?.connectorCount === 2
    );
  });
  client ??= await connectHttp(`${host.baseUrl}/mcp`);
  return client;
}

beforeAll(async () => {
  let mapUrl: string;
  [alpha, beta, mapUrl, home] = await Promise.all([
    // alpha takes calls only with the API key: a connector that is up proves the host used the key.
    startDemoConnector({ name: 'alpha', requiredBearer: API_KEY }),
    startDemoConnector({ name: 'beta' }),
    publisher.listen(),
    tempCortexHome(),
  ]);
  publisher.publish(
    mapOf([entry('alpha', alpha.streamableUrl, { auth: { type: 'bearer' } }), entry('beta', beta.sseUrl)], 1),
  );
  publisher.setDown(true);
  host = await startHostProcess({
    CORTEX_HOME: home.dir,
    CONNECTORS_SERVICE_MAP_URL: mapUrl,
    CONNECTORS_SIGNATURE_KEY: publisher.signatureKey,
    CONNECTORS_API_KEY: API_KEY,
    MCP_CONNECTOR_REFRESH_INTERVAL_MS: '1000',
    // Every log line the host can write is searched for the keys below.
    MCP_LOG_LEVEL: 'debug',
  });
});

afterAll(async () => {
  await client?.close();
  await host?.stop();
  await Promise.allSettled([alpha?.close(), beta?.close(), publisher.close()]);
  await home?.remove();
});

describe('6. metrics, readiness and a secrets-free status', () => {
  it('answers /readyz 503 while no map was ever loaded, then 200 once the map endpoint is back', async () => {
    const before = await fetch(`${host.baseUrl}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ ready: false });
    // The first map load has failed (503), and the host still is not ready.
    const failed = await waitFor('the failed first map load', async () => {
      const status = await fetchStatus(host.baseUrl);
      return status.map.lastError ? status : undefined;
    });
    expect(failed).toMatchObject({ ready: false, map: { freshness: 'empty', lastError: { code: 'http' } } });
    const stillStarting = await fetch(`${host.baseUrl}/readyz`);
    expect(stillStarting.status).toBe(503);
    await stillStarting.body?.cancel();

    publisher.setDown(false);
    const after = await waitFor('/readyz 200', async () => {
      const response = await fetch(`${host.baseUrl}/readyz`);
      const body: unknown = await response.json();
      return response.status === 200 ? body : undefined;
    });
    expect(after).toMatchObject({ ready: true });
  });

  it('shows the four seed metrics with samples after one sync and one call', async () => {
    const synced = await syncedClient();
    expect(await synced.client.callTool({ name: 'alpha.echo', arguments: { text: 'metered' } })).toEqual({
      content: [{ type: 'text', text: 'alpha: metered' }],
    });
    const metrics = await metricsText();
    expect(
      metricSample(metrics, 'mcp_connector_sync_duration_seconds_count', { phase: 'total' }),
    ).toBeGreaterThan(0);
    expect(
      metricSample(metrics, 'mcp_tool_call_duration_seconds_count', { connector: 'alpha' }),
    ).toBeGreaterThan(0);
    expect(
      metricSample(metrics, 'mcp_registry_flush_duration_seconds_count', { store: 'catalogue' }),
    ).toBeGreaterThan(0);
    expect(metricSample(metrics, 'mcp_connector_available', { connector_id: 'alpha' })).toBe(1);
    expect(metricSample(metrics, 'mcp_connector_available', { connector_id: 'beta' })).toBe(1);
  });

  it('records one tool-call duration sample per call', async () => {
    const synced = await syncedClient();
    const before =
      metricSample(await metricsText(), 'mcp_tool_call_duration_seconds_count', { connector: 'beta' }) ?? 0;
    await synced.client.callTool({ name: 'beta.add', arguments: { a: 1, b: 1 } });
    const after = metricSample(await metricsText(), 'mcp_tool_call_duration_seconds_count', {
      connector: 'beta',
    });
    expect(after).toBe(before + 1);
  });

  it('keeps the signature key and the API key out of /status, /metrics, stdout and stderr', async () => {
    await syncedClient();
    const statusResponse = await fetch(`${host.baseUrl}/status`);
    const statusBody = await statusResponse.text();
    const status = JSON.parse(statusBody) as { connectors: Array<{ id: string; state: string }> };
    // alpha is up, so the host holds and uses the API key; beta is up, so the map verified with the signature key.
    expect(status.connectors.map(({ id, state }) => ({ id, state }))).toEqual([
      { id: 'alpha', state: 'up' },
      { id: 'beta', state: 'up' },
    ]);
    const outputs = {
      status: statusBody,
      metrics: await metricsText(),
      stdout: host.stdout(),
      stderr: host.stderr(),
    };
    expect(outputs.stderr).toContain('connector sync finished');
    for (const [where, text] of Object.entries(outputs)) {
      expect({ where, hasSignatureKey: text.includes(publisher.signatureKey) }).toEqual({
        where,
        hasSignatureKey: false,
      });
      expect({ where, hasApiKey: text.includes(API_KEY) }).toEqual({ where, hasApiKey: false });
    }
  });
});
