import { startRedisServer } from '@cortex-mcp/test-servers';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { FleetStore } from '../src/fleet-store.js';
import { HealthTracker } from '../src/health.js';
import { HolderLiveness } from '../src/holder-liveness.js';
import { fleetKeys } from '../src/keys.js';
import { leaseView } from '../src/lease-view.js';
import { uniquePrefix } from './helpers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

it('a liveness check Redis does not answer in time is "cannot tell": the holder is not gone and Redis is not marked down', async () => {
  // Under load a CLIENT LIST answer can miss the command timeout. Reading that as "gone" would evict a live leader;
  // marking Redis down would send this host to load the map alone. Both happened before (a flaky fleet test).
  const server = await startRedisServer();
  cleanups.push(() => server.stop());
  const client = new Redis(server.url, { commandTimeout: 200, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  cleanups.push(async () => client.disconnect());
  const health = new HealthTracker({
    clock: Date.now,
    logger: undefined,
    onChange: undefined,
    describeTarget: 'test',
  });
  health.markUp();
  const store = new FleetStore(client, fleetKeys(uniquePrefix()), health, () => false);
  const liveness = new HolderLiveness(client, undefined);
  const goneId = '999999';
  const holder = leaseView('7:other-host', 5_000, `${goneId}:7`);
  expect(holder?.client?.id).toBe(goneId);

  expect(await liveness.isGone(store, holder as NonNullable<typeof holder>)).toBe(true); // answered: gone
  server.pause(); // connected, but nothing is answered
  try {
    expect(await liveness.isGone(store, holder as NonNullable<typeof holder>)).toBe(false);
    expect(health.isUp).toBe(true);
  } finally {
    server.resume();
  }
});
