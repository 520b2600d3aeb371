import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DemoConnector, startDemoConnector } from '../../src/demo/demo-connector.js';
import { entry, mapOf, TestBed, toolNames } from './fixtures.js';
import { type ProxyEvent, RecordingProxy } from './recording-proxy.js';

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

/** The most connects in flight at once at the upstreams: from `initialize` arriving to `tools/list` answered. */
function maxConnectsInFlight(events: readonly ProxyEvent[]): number {
  const open = new Set<string>();
  let max = 0;
  for (const event of events) {
    if (event.phase === 'request' && event.rpcMethod === 'initialize') open.add(event.route);
    if (event.phase === 'response-end' && event.rpcMethod === 'tools/list') open.delete(event.route);
    max = Math.max(max, open.size);
  }
  return max;
}

/** Starts `count` demo connectors with a slow handshake and publishes them behind the recording proxy. */
async function publishSlowConnectors(count: number, initializeDelayMs: number): Promise<DemoConnector[]> {
  const upstreams = await Promise.all(
    Array.from({ length: count }, (_, index) => startDemoConnector({ name: `s${index}`, initializeDelayMs })),
  );
  bed.connectors.push(...upstreams);
  bed.publisher.publish(
    mapOf(
      upstreams.map((upstream) =>
        entry(upstream.name, proxy.route(upstream.name, upstream.streamableUrl), {
          transport: 'streamable-http',
        }),
      ),
    ),
  );
  return upstreams;
}

describe('adaptive concurrency through the manager', () => {
  it('grows from the start limit to the ceiling while connects wait on the network, and never past it', async () => {
    const upstreams = await publishSlowConnectors(16, 250);
    const { manager, registry } = bed.manager({
      stateDir: await bed.tempDir(),
      concurrencyMode: 'adaptive',
      concurrency: 2,
      concurrencyMin: 2,
      concurrencyMax: 5,
      // An idle process: every connect is latency-bound, so the limit may only be held back by the ceiling.
      adaptiveConcurrency: { loadProbe: { sample: () => 0 } },
    });

    await manager.start();

    expect(maxConnectsInFlight(proxy.events)).toBe(5);
    expect(manager.status().lastSync).toMatchObject({ added: 16, failed: 0, parallelism: 5 });
    expect(manager.status().connectors.every((connector) => connector.state === 'up')).toBe(true);
    expect(upstreams.every((upstream) => upstream.observations.initializations === 1)).toBe(true);
    expect(toolNames(registry)).toContain('s15.echo');
  });

  it('with the real event-loop probe, keeps many connectors under the ceiling and connects them all', async () => {
    const upstreams = await publishSlowConnectors(30, 200);
    const { manager, waitForLog } = bed.manager({
      stateDir: await bed.tempDir(),
      concurrencyMode: 'adaptive',
      concurrency: 2,
      concurrencyMin: 2,
      concurrencyMax: 8,
    });

    await manager.start();

    const inFlight = maxConnectsInFlight(proxy.events);
    const limits = await waitForLog((line) => line.msg === 'adaptive connect limit', 'the limiter summary');
    expect(inFlight).toBeLessThanOrEqual(8);
    expect(inFlight).toBeGreaterThanOrEqual(2);
    expect(limits).toMatchObject({ floor: 2, ceiling: 8, connects: 30 });
    expect(limits.peakLimit as number).toBeLessThanOrEqual(8);
    expect(manager.status().lastSync).toMatchObject({ added: 30, failed: 0 });
    expect(manager.status().lastSync?.parallelism).toBeLessThanOrEqual(8);
    expect(upstreams.every((upstream) => upstream.observations.initializations === 1)).toBe(true);
  });
});
