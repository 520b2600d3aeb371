import { connect } from 'node:net';
import { type RedisServer, startRedisServer } from '@cortex-mcp/test-servers';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { entry, mapOf, TestBed, toolNames } from './fixtures.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
}, 300_000);
afterAll(() => redis?.stop());

let bed: TestBed;
let prefix = '';
let fleets = 0;
beforeEach(async () => {
  bed = await new TestBed().start();
  fleets += 1;
  prefix = `fleet-test-${process.pid}-${fleets}:`;
});
afterEach(() => bed.close());

/** Sends one command to Redis over RESP (the test talks to Redis directly, as an attacker with access would). */
function redisCommand(url: string, args: string[]): Promise<string> {
  const { hostname, port } = new URL(url);
  const payload = `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(payload));
    socket.once('data', (data) => {
      resolve(data.toString());
      socket.end();
    });
    socket.once('error', reject);
  });
}

/** Resolves once `condition()` holds, checking on every turn of the event loop; fails after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('hosts sharing one Redis', () => {
  it('fetch the map once for the fleet: a second host takes the shared, verified map from Redis', async () => {
    const alpha = await bed.demo('alpha');
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
    const options = { redis: { url: redis.url, keyPrefix: prefix } };
    const first = bed.manager({ stateDir: await bed.tempDir(), ...options });
    await first.manager.start();
    const second = bed.manager({ stateDir: await bed.tempDir(), ...options });
    await second.manager.start();

    expect(bed.publisher.stats.requests).toBe(1);
    expect(toolNames(second.registry)).toEqual(toolNames(first.registry));
    expect(toolNames(second.registry)).toContain('alpha.echo');
    const map = second.manager.status().map;
    expect(map).toMatchObject({ id: first.manager.status().map.id, source: 'fleet' });
    expect(map.fleet).toMatchObject({ role: expect.any(String), redis: { status: 'up' } });
    expect(JSON.stringify(second.manager.status())).not.toContain(bed.publisher.signatureKey);
  });

  it('serves the fleet catalogue at once on a new host, before its connectors answer', async () => {
    const alpha = await bed.demo('alpha');
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
    const options = { redis: { url: redis.url, keyPrefix: prefix } };
    const first = bed.manager({ stateDir: await bed.tempDir(), ...options });
    await first.manager.start();
    await alpha.close();

    const newcomer = bed.manager({ stateDir: await bed.tempDir(), refreshSync: false, ...options });
    await newcomer.manager.start();

    expect(toolNames(newcomer.registry)).toContain('alpha.echo');
    expect(newcomer.manager.status().connectors.find((c) => c.id === 'alpha')?.catalogue).toBe('persisted');
    // The whole catalogue, not only the tools: resources, templates and prompts come from Redis too.
    expect(newcomer.registry.listResources().map((resource) => resource.uri)).toEqual(
      first.registry.listResources().map((resource) => resource.uri),
    );
    expect(newcomer.registry.listResources().map((resource) => resource.uri)).toContain(
      'alpha+note:///readme',
    );
    expect(newcomer.registry.listResourceTemplates().map((template) => template.uriTemplate)).toEqual([
      'alpha+note:///notes/{id}',
    ]);
    expect(
      newcomer.registry
        .listPrompts()
        .map((prompt) => prompt.name)
        .sort(),
    ).toEqual(['alpha.summarize', 'alpha.with-readme']);
  });

  it('a host joining the fleet connects each connector once, and leaves no connection behind on disconnect', async () => {
    // The shared map can arrive while the newcomer is still loading its warm state; that must not create a second
    // proxy per connector (the first one used to be orphaned: connected, never closed, holding the process open).
    const alpha = await bed.demo('alpha');
    const beta = await bed.demo('beta');
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl), entry('beta', beta.streamableUrl)]));
    const options = { redis: { url: redis.url, keyPrefix: prefix } };
    const first = bed.manager({ stateDir: await bed.tempDir(), ...options });
    await first.manager.start();
    const before = [alpha.observations.initializations, beta.observations.initializations];

    const newcomer = bed.manager({ stateDir: await bed.tempDir(), refreshSync: false, ...options });
    await newcomer.manager.start();
    // Two full syncs after start: any connector created twice has been connected by now.
    await newcomer.manager.refresh('test');
    await newcomer.manager.refresh('test');

    expect([alpha.observations.initializations, beta.observations.initializations]).toEqual(
      before.map((count) => count + 1),
    );
    expect(newcomer.manager.status().connectors.map((c) => [c.id, c.state])).toEqual([
      ['alpha', 'up'],
      ['beta', 'up'],
    ]);
  });

  it('rejects a tampered map written straight into Redis and serves the verified one', async () => {
    const alpha = await bed.demo('alpha');
    bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
    const options = { redis: { url: redis.url, keyPrefix: prefix } };
    const first = bed.manager({ stateDir: await bed.tempDir(), ...options });
    await first.manager.start();
    const good = first.manager.status().map.id;
    const tampered = mapOf([entry('evil', 'http://127.0.0.1:9/mcp')]);
    const forged = JSON.stringify({ ...tampered, signature: 'forged-signature' });
    expect(await redisCommand(redis.url, ['HSET', `${prefix}map`, 'text', forged])).toMatch(/^:/);

    const second = bed.manager({ stateDir: await bed.tempDir(), ...options });
    await second.manager.start();

    expect(second.manager.status().map.id).toBe(good);
    expect(toolNames(second.registry)).toContain('alpha.echo');
    expect(toolNames(second.registry).some((name) => name.startsWith('evil.'))).toBe(false);
  });

  it('keeps serving when Redis stops, says so in /status and metrics, and rejoins when it returns', async () => {
    const own = await startRedisServer();
    try {
      const alpha = await bed.demo('alpha');
      bed.publisher.publish(mapOf([entry('alpha', alpha.streamableUrl)]));
      const host = bed.manager({ stateDir: await bed.tempDir(), redis: { url: own.url, keyPrefix: prefix } });
      await host.manager.start();
      expect(host.manager.status().map.fleet?.redis.status).toBe('up');

      await own.stop();
      await until(() => host.manager.status().map.fleet?.redis.status === 'down', 'Redis to be seen down');
      await host.manager.refresh('while Redis is down');
      expect(toolNames(host.registry)).toContain('alpha.echo');
      const metrics = await host.metrics.render();
      expect(metrics.body).toMatch(/mcp_redis_up\{target="127\.0\.0\.1:\d+"\} 0/);

      await own.start();
      await until(() => host.manager.status().map.fleet?.redis.status === 'up', 'Redis to be seen up again');
      expect((await host.metrics.render()).body).toMatch(/mcp_redis_up\{target="127\.0\.0\.1:\d+"\} 1/);
    } finally {
      await own.stop();
    }
  });
});
