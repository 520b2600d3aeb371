import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDemoConnector } from '../../src/demo/demo-connector.js';
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

/**
 * The most connects that were in flight at once, as the upstreams saw them: a connect opens when its `initialize`
 * arrives and closes when the answer to its `tools/list` (the last step of a manager connect) has ended.
 */
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

describe('bounded concurrency', () => {
  it('never has more than `concurrency` connects in flight at the upstreams, and connects them all', async () => {
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    const upstreams = await Promise.all(
      ids.map((name) => startDemoConnector({ name, initializeDelayMs: 300 })),
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
    const { manager, registry } = bed.manager({ stateDir: await bed.tempDir(), concurrency: 2 });

    await manager.start();

    const initializes = proxy.events.filter((e) => e.phase === 'request' && e.rpcMethod === 'initialize');
    expect(initializes.map((e) => e.route).sort()).toEqual(ids);
    // Six handshakes of 300 ms each: without the limit all six would overlap; with it, two at a time do.
    expect(maxConnectsInFlight(proxy.events)).toBe(2);
    expect(manager.status().lastSync).toMatchObject({ added: 6, failed: 0, parallelism: 2 });
    expect(manager.status().connectors.every((c) => c.state === 'up')).toBe(true);
    for (const id of ids) expect(toolNames(registry)).toContain(`${id}.echo`);
    expect(upstreams.map((upstream) => upstream.observations.initializations)).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
