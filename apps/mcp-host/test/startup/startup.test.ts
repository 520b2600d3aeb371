// Draft tests for apps/mcp-host/src/startup (to be placed at test/startup/*.test.ts).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogueFingerprint, specFromServer } from '../../src/connectors/connector-spec.js';
import { ConnectPhaseGate, type GateTimers } from '../../src/startup/connect-phase-gate.js';
import { DeferredLogger, DISCARD_LOGGER } from '../../src/startup/deferred-logger.js';
import { WarmCatalogue } from '../../src/startup/warm-catalogue.js';

function manualTimers() {
  const pending = new Map<number, { cb: () => void; ms: number }>();
  let next = 1;
  const timers: GateTimers = {
    setTimeout: (cb, ms) => {
      const id = next++;
      pending.set(id, { cb, ms });
      return id;
    },
    clearTimeout: (h) => {
      pending.delete(h as number);
    },
  };
  return {
    timers,
    fire(ms: number) {
      for (const [id, t] of [...pending])
        if (t.ms <= ms) {
          pending.delete(id);
          t.cb();
        }
    },
    pending,
  };
}

describe('ConnectPhaseGate', () => {
  it('opens one timer turn after the first listing, not during it', async () => {
    const clock = manualTimers();
    const gate = new ConnectPhaseGate({ timers: clock.timers });
    const registry = new VersionedToolRegistry();
    const source = gate.watchListings(registry);
    gate.openAfter(250);
    expect(source.listTools()).toEqual([]);
    expect(gate.isOpen).toBe(false);
    clock.fire(0);
    expect(gate.isOpen).toBe(true);
    await expect(gate.opened).resolves.toBe('first tools/list');
    expect(clock.pending.size).toBe(0); // the idle timer was cleared
  });
  it('opens after the idle delay when nobody lists tools', async () => {
    const clock = manualTimers();
    const gate = new ConnectPhaseGate({ timers: clock.timers });
    gate.openAfter(250);
    clock.fire(250);
    await expect(gate.opened).resolves.toBe('idle');
  });
  it('keeps the first reason and ignores later ones', async () => {
    const gate = new ConnectPhaseGate({ timers: manualTimers().timers });
    gate.open('tool call');
    gate.open('metrics');
    await expect(gate.opened).resolves.toBe('tool call');
  });
  it('passes every other registry member through, bound to the registry', () => {
    const gate = new ConnectPhaseGate({ timers: manualTimers().timers });
    const registry = new VersionedToolRegistry();
    const source = gate.watchListings(registry);
    expect(source.version).toBe(registry.version);
    expect(source.getTool('nope')).toBeUndefined();
  });
});

describe('DeferredLogger', () => {
  it('holds entries at or above its level and writes them in order on attach, then forwards', () => {
    const logger = new DeferredLogger('info');
    const seen: string[] = [];
    const target = Object.fromEntries(
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((l) => [
        l,
        (_o: object, m?: string) => seen.push(`${l}:${m}`),
      ]),
    ) as never;
    logger.debug({}, 'dropped');
    logger.info({}, 'one');
    logger.warn({}, 'two');
    expect(seen).toEqual([]);
    logger.attach(target);
    expect(seen).toEqual(['info:one', 'warn:two']);
    logger.debug({}, 'after');
    expect(seen).toEqual(['info:one', 'warn:two', 'debug:after']);
  });
});

describe('WarmCatalogue', () => {
  let dir: string;
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  async function setup(tools: object[]) {
    dir = await mkdtemp(join(tmpdir(), 'warm-'));
    const registryPath = join(dir, 'servers.json');
    const server = {
      name: 'alpha',
      transport: 'streamable-http',
      url: 'http://127.0.0.1:9/mcp',
      enabled: true,
    };
    await writeFile(registryPath, JSON.stringify({ version: 1, servers: [server] }));
    const spec = specFromServer(server as never, {
      connectTimeoutMs: 1000,
      callTimeoutMs: 1000,
      apiKeyConfigured: false,
    });
    await writeFile(
      join(dir, 'catalogue.json'),
      JSON.stringify({
        version: 1,
        connectors: { alpha: { fingerprint: catalogueFingerprint(spec), tools, savedAtMs: 1 } },
      }),
    );
    const config = {
      stateDir: dir,
      registryPath,
      serviceMapUrl: undefined,
      signatureKeys: [],
      specDefaults: { connectTimeoutMs: 1000, callTimeoutMs: 1000, apiKeyConfigured: false },
    };
    return config;
  }
  const echo = { name: 'echo', description: 'Echoes.', inputSchema: { type: 'object' } };

  it('registers nothing on read, the persisted tools on serve, and reports them as connecting', async () => {
    const config = await setup([echo]);
    const registry = new VersionedToolRegistry();
    const warm = await WarmCatalogue.read({ config, registry, version: 't', logger: DISCARD_LOGGER });
    expect(warm.hasCatalogue).toBe(true);
    expect(registry.listTools()).toEqual([]);
    warm.serve();
    expect(registry.listTools().map((t) => t.name)).toEqual(['alpha.echo']);
    expect(warm.ready).toBe(true);
    expect(warm.status().connectors).toMatchObject([
      { id: 'alpha', state: 'connecting', catalogue: 'persisted', toolCount: 1 },
    ]);
  });
  it('routes a call that arrived early to the handler that replaced the placeholder', async () => {
    const config = await setup([echo]);
    const registry = new VersionedToolRegistry();
    let early = 0;
    const warm = await WarmCatalogue.read({
      logger: DISCARD_LOGGER,
      config,
      registry,
      version: 't',
      onEarlyCall: () => {
        early += 1;
      },
    });
    warm.serve();
    const placeholder = registry.getTool('alpha.echo');
    const result = placeholder?.handler({ text: 'hi' }, {});
    expect(early).toBe(1);
    registry.replaceConnectorTools('alpha', [
      { ...echo, handler: async (args: unknown) => ({ real: args }), metadata: { scopes: [], tags: [] } },
    ] as never);
    warm.handOver();
    await expect(result).resolves.toEqual({ real: { text: 'hi' } });
  });
  it('removes the placeholders of a connector the manager did not take over, and fails their waiting calls', async () => {
    const config = await setup([echo]);
    const registry = new VersionedToolRegistry();
    const warm = await WarmCatalogue.read({ config, registry, version: 't', logger: DISCARD_LOGGER });
    warm.serve();
    const result = registry.getTool('alpha.echo')?.handler({}, {});
    warm.handOver();
    expect(registry.listTools()).toEqual([]);
    await expect(result).rejects.toMatchObject({ code: 'unavailable' });
  });
  it('serves nothing for a catalogue saved under another fingerprint', async () => {
    const config = await setup([echo]);
    await writeFile(
      join(dir, 'catalogue.json'),
      JSON.stringify({
        version: 1,
        connectors: { alpha: { fingerprint: 'other', tools: [echo], savedAtMs: 1 } },
      }),
    );
    const warm = await WarmCatalogue.read({
      config,
      registry: new VersionedToolRegistry(),
      version: 't',
      logger: DISCARD_LOGGER,
    });
    expect(warm.hasCatalogue).toBe(false);
  });
});
