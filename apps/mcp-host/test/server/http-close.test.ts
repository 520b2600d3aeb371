import { afterAll, expect, it } from 'vitest';
import { HostMetrics } from '../../src/metrics.js';
import { createHostHttpServer } from '../../src/server/index.js';
import { connectHttpClient, createTestRegistry, deferred } from './support.js';

// Alone in its file, so no other test's sockets or timers blur the before/after comparison.
const baseline = countHandles();
const { registry, observed } = createTestRegistry();
afterAll(() => observed.gate.resolve());

it('close ends every session, aborts calls in flight and stops listening, leaving no handle open', async () => {
  const server = await createHostHttpServer({
    registry,
    metrics: new HostMetrics({ defaultMetrics: false }),
    getStatus: () => ({}),
    isReady: () => true,
    serverInfo: { name: 'closing', version: '1' },
  });
  const connected = await connectHttpClient(server.url);
  await connected.streamOpen;
  const clientClosed = deferred();
  connected.client.onclose = () => clientClosed.resolve();
  void connected.client.callTool({ name: 'local.wait', arguments: {} }).catch(() => {});
  const signal = await observed.waitStarted.promise;
  expect(countHandles()).not.toEqual(baseline);

  await server.close();

  expect(signal.aborted).toBe(true);
  expect(server.sessionCount).toBe(0);
  await connected.close();
  await clientClosed.promise;
  expect(await handlesAfterCloseCallbacks()).toEqual(baseline);
});

/** Sockets, servers and timers alive in this process. */
function countHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of process.getActiveResourcesInfo()) {
    if (resource === 'TCPServerWrap' || resource === 'TCPSocketWrap' || resource === 'Timeout') {
      counts[resource] = (counts[resource] ?? 0) + 1;
    }
  }
  return counts;
}

/**
 * libuv lists a destroyed socket until its close callback has run, an event-loop turn or two later; a leaked one
 * stays. So: the counts once they match the baseline, or after a bounded number of turns, whichever comes first.
 */
async function handlesAfterCloseCallbacks(maxTurns = 50, settleMs = 3_000): Promise<Record<string, number>> {
  for (let turn = 0; turn < maxTurns; turn += 1) {
    if (JSON.stringify(countHandles()) === JSON.stringify(baseline)) return countHandles();
    await new Promise((resolve) => setImmediate(resolve));
  }
  // The test client's undici keeps one shared timer (its FastTimer tick, 499 ms) scheduled until a tick finds no
  // timeout left to run; it then stops itself. Allow it that long, and no longer: a timer of the server's would
  // still be counted.
  const deadline = Date.now() + settleMs;
  while (Date.now() < deadline && JSON.stringify(countHandles()) !== JSON.stringify(baseline)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return countHandles();
}
