import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entry, mapOf, metricValue, TestBed, toolNames } from './fixtures.js';

let bed: TestBed;
beforeEach(async () => {
  bed = await new TestBed().start();
});
afterEach(() => bed.close());

async function closedPortUrl(): Promise<string> {
  const gone = await bed.demo('gone');
  await gone.close();
  return gone.streamableUrl;
}

describe('failures', () => {
  it('keeps the stale map when the map server is down, logs one warning and counts the failure', async () => {
    const alpha = await bed.demo('alpha');
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
    const { manager, registry, metrics, logs } = bed.manager({ stateDir: await bed.tempDir() });
    await manager.start();
    const mapId = manager.status().map.id;

    bed.publisher.setDown(true);
    const summary = await manager.refresh();

    const status = manager.status();
    expect(status.map).toMatchObject({ id: mapId, source: 'network' });
    expect(status.map.lastError).toMatchObject({ code: 'http' });
    expect(summary).toMatchObject({ unchanged: 1, removed: 0 });
    expect(toolNames(registry)).toContain('alpha.echo');
    expect(await metricValue(metrics, 'mcp_service_map_refresh_failures_total', { code: 'http' })).toBe(1);
    const warnings = logs.filter((line) => line.level === 40 && line.code === 'http');
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(logs)).not.toContain(bed.publisher.signatureKey);

    bed.publisher.setDown(false);
    await manager.refresh();
    expect(manager.status().map.lastError).toBeNull();
  });

  it('rejects a map signed with another key and keeps reconciling with the last good one', async () => {
    const [alpha, beta] = await Promise.all([bed.demo('alpha'), bed.demo('beta')]);
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
    const { manager, registry, metrics } = bed.manager({ stateDir: await bed.tempDir() });
    await manager.start();

    Object.defineProperty(bed.publisher, 'signatureKey', { value: 'an-attacker-key' });
    bed.publisher.publish(mapOf([entry('beta', beta.streamableUrl)]));
    await manager.refresh();

    expect(manager.status().map.lastError?.code).toBe('signature');
    expect(toolNames(registry)).toContain('alpha.echo');
    expect(toolNames(registry).some((name) => name.startsWith('beta.'))).toBe(false);
    expect(beta.observations.initializations).toBe(0);
    expect(await metricValue(metrics, 'mcp_service_map_refresh_failures_total', { code: 'signature' })).toBe(
      1,
    );
  });

  it('keeps serving the other connectors when one is down', async () => {
    const alpha = await bed.demo('alpha');
    bed.publisher.publish(mapOf([entry('dead', await closedPortUrl()), entry('alpha', alpha.streamableUrl)]));
    const { manager, registry, metrics } = bed.manager({ stateDir: await bed.tempDir() });

    await manager.start();

    expect(manager.status().lastSync).toMatchObject({ enabled: 2, failed: 1 });
    const dead = manager.status().connectors.find((c) => c.id === 'dead');
    expect(dead).toMatchObject({ state: 'down', available: false });
    expect(dead?.lastError?.message).toBeTruthy();
    expect(await metricValue(metrics, 'mcp_connector_connect_failures_total', { connector_id: 'dead' })).toBe(
      1,
    );
    expect(await metricValue(metrics, 'mcp_connector_available', { connector_id: 'dead' })).toBe(0);
    const result = await registry.getTool('alpha.echo')?.handler({ text: 'still here' }, {});
    expect(result).toEqual({ content: [{ type: 'text', text: 'alpha: still here' }] });
  });

  it('treats a connector that needs an API key as failed when none is configured, naming it in a warning', async () => {
    const alpha = await bed.demo('alpha');
    const secured = entry('secured', alpha.streamableUrl, { auth: { type: 'bearer' } });
    bed.publisher.publish(mapOf([secured, entry('alpha', alpha.streamableUrl)]));
    const { manager, registry, logs } = bed.manager({ stateDir: await bed.tempDir() });

    await manager.start();

    expect(manager.status().lastSync).toMatchObject({ failed: 1 });
    expect(logs.some((line) => line.level === 40 && line.connectorId === 'secured')).toBe(true);
    expect(toolNames(registry).some((name) => name.startsWith('secured.'))).toBe(false);
    expect(toolNames(registry)).toContain('alpha.echo');
  });

  it('gives up on a map endpoint that does not answer within mapTimeoutMs and keeps the persisted map', async () => {
    const alpha = await bed.demo('alpha');
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
    const stateDir = await bed.tempDir();
    const first = bed.manager({ stateDir });
    await first.manager.start();
    await first.manager.disconnect();
    const hanging = await silentServer();
    try {
      const { manager, registry } = bed.manager({
        stateDir,
        serviceMapUrl: hanging.url,
        mapTimeoutMs: 100,
      });
      await manager.start();
      // The persisted map is still fresh: the start-up sync needs no network; a forced refresh does.
      expect(manager.status().map).toMatchObject({
        source: 'persisted',
        freshness: 'fresh',
        lastError: null,
      });
      await manager.refresh();
      expect(manager.status().map).toMatchObject({ source: 'persisted', lastError: { code: 'timeout' } });
      expect(toolNames(registry)).toContain('alpha.echo');
    } finally {
      await hanging.close();
    }
  });

  it('closes the shared agent on disconnect, leaves no open handles, and a second disconnect is a no-op', async () => {
    const handlesBefore = openHandles();
    const [alpha, beta] = await Promise.all([bed.demo('alpha'), bed.demo('beta')]);
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl), entry('beta', beta.sseUrl)]));
    const { manager, registry } = bed.manager({ stateDir: await bed.tempDir(), refreshSync: false });
    await manager.start();
    await manager.refresh();
    await registry.getTool('beta.echo')?.handler({ text: 'x' }, {});

    await manager.disconnect();
    await manager.disconnect();
    await Promise.all([alpha.close(), beta.close()]);
    // Closed handles leave the list in the loop's close phase: let two loop turns pass (no timer involved).
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));

    const handlesAfter = openHandles();
    expect(handlesAfter.TCPSocketWrap ?? 0).toBe(handlesBefore.TCPSocketWrap ?? 0);
    expect(handlesAfter.TCPServerWrap).toBe(handlesBefore.TCPServerWrap);
    expect(handlesAfter.Timeout ?? 0).toBeLessThanOrEqual(handlesBefore.Timeout ?? 0);
    await expect(manager.agent.request({ origin: bed.mapUrl, path: '/', method: 'GET' })).rejects.toThrow(
      /destroyed|closed/i,
    );
    expect(manager.status().connectors).toEqual([]);
    await expect(manager.refresh()).rejects.toMatchObject({ code: 'closed' });
    expect(alpha.observations.initializations).toBe(1);
  });
});

/** Sockets and timers alive in this process, by kind. */
function openHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'TCPSocketWrap' || kind === 'Timeout' || kind === 'TCPServerWrap') {
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
  }
  return counts;
}

/** A server that accepts requests and never answers. */
async function silentServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/map`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
