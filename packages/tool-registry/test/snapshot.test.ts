import { describe, expect, it } from 'vitest';
import { type ConnectorToolDefinition, type RegisteredTool, VersionedToolRegistry } from '../src/index.js';
import { recordingLogger, upstreamTool } from './fixtures.js';

describe('listTools snapshot', () => {
  it('is the same frozen array until the next change, and an old snapshot never changes', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorTools('c', [upstreamTool('a')]);
    const held = registry.listTools();
    expect(registry.listTools()).toBe(held);
    expect(Object.isFrozen(held)).toBe(true);
    registry.replaceConnectorTools('c', [upstreamTool('b')]);
    expect(registry.listTools()).not.toBe(held);
    expect(held.map((tool) => tool.name)).toEqual(['c.a']);
  });

  it('throws on mutation in strict mode and the registry is unaffected', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorTools('c', [upstreamTool('a', { annotations: { readOnlyHint: true } })], {
      metadata: { scopes: ['read'] },
    });
    const snapshot = registry.listTools();
    const tool = snapshot[0] as RegisteredTool;
    const writable = (value: unknown) => value as Record<string, unknown> & unknown[];
    expect(() => writable(snapshot).push(tool)).toThrow(TypeError);
    expect(() => {
      writable(tool).name = 'other';
    }).toThrow(TypeError);
    expect(() => {
      writable(tool.inputSchema.properties).query = { type: 'number' };
    }).toThrow(TypeError);
    expect(() => {
      writable(tool.annotations).readOnlyHint = false;
    }).toThrow(TypeError);
    expect(() => writable(tool.metadata.scopes).push('write')).toThrow(TypeError);
    expect(() => {
      writable(tool.metadata).connectorId = 'evil';
    }).toThrow(TypeError);
    expect(registry.getTool('c.a')).toBe(tool);
    expect(registry.getTool('c.a')?.metadata).toMatchObject({ connectorId: 'c', scopes: ['read'] });
    expect(Object.isFrozen(registry.getConnectorTools('c'))).toBe(true);
  });

  it('freezes results and events too', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const frozen: boolean[] = [];
    registry.onChange((event) => {
      frozen.push(Object.isFrozen(event), Object.isFrozen(event.added));
    });
    const result = registry.replaceConnectorTools('c', [upstreamTool('a')]);
    expect([...frozen, Object.isFrozen(result), Object.isFrozen(result.tools)]).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });
});

/** Deterministic PRNG (mulberry32) so the interleaving is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gives other tasks a turn: some microtask hops, sometimes a full macrotask. */
async function yieldTurns(random: () => number): Promise<void> {
  if (random() < 0.3) await new Promise<void>((resolve) => setImmediate(resolve));
  const hops = Math.floor(random() * 4);
  for (let hop = 0; hop < hops; hop += 1) await Promise.resolve();
}

const CONNECTORS = ['alpha', 'beta', 'gamma'];
const GENERATIONS = 60;
const READERS = 4;
const MAX_READS_PER_READER = 5_000;

/** Generation `generation` of a connector: 1–4 tools, each stamped with the generation. */
function generationSet(connectorId: string, generation: number): ConnectorToolDefinition[] {
  const count = 1 + (generation % 4);
  return Array.from({ length: count }, (_, index) =>
    upstreamTool(`t${index}`, {
      description: `${connectorId} generation ${generation}`,
      metadata: { generation },
    }),
  );
}

/** Problems with a snapshot, or [] when every connector shows exactly one generation's full set. */
function inconsistencies(tools: readonly RegisteredTool[]): string[] {
  const byConnector = new Map<string, RegisteredTool[]>();
  for (const tool of tools) {
    const list = byConnector.get(tool.metadata.connectorId) ?? [];
    list.push(tool);
    byConnector.set(tool.metadata.connectorId, list);
  }
  const problems: string[] = [];
  for (const [connectorId, list] of byConnector) {
    const generations = new Set(list.map((tool) => tool.metadata.generation as number));
    const [generation] = generations;
    const expected = generationSet(connectorId, generation ?? -1).map(
      (tool) => `${connectorId}.${tool.name}`,
    );
    const names = list.map((tool) => tool.name);
    if (generations.size !== 1 || JSON.stringify(names) !== JSON.stringify(expected)) {
      problems.push(`${connectorId}: generations ${[...generations]} names ${names}`);
    }
  }
  return problems;
}

describe('atomic replace under concurrent readers', () => {
  it('never shows a reader a connector set mixing two generations', async () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const random = seededRandom(42);
    const problems: string[] = [];
    const eventVersions: number[] = [];
    registry.onChange((event) => {
      eventVersions.push(event.version);
      problems.push(...inconsistencies(registry.listTools()));
    });
    let writersDone = false;
    let snapshotsReplacedWhileHeld = 0;
    let snapshotsChecked = 0;

    const writer = async (connectorId: string) => {
      for (let generation = 1; generation <= GENERATIONS; generation += 1) {
        registry.replaceConnectorTools(connectorId, generationSet(connectorId, generation));
        await yieldTurns(random);
      }
    };
    const reader = async () => {
      for (let read = 0; read < MAX_READS_PER_READER && !writersDone; read += 1) {
        await yieldTurns(random);
        const snapshot = registry.listTools();
        const seen: RegisteredTool[] = [];
        for (const tool of snapshot) {
          seen.push(tool);
          await yieldTurns(random);
        }
        if (registry.listTools() !== snapshot) snapshotsReplacedWhileHeld += 1;
        problems.push(...inconsistencies(seen));
        snapshotsChecked += 1;
      }
    };

    const readers = Array.from({ length: READERS }, reader);
    await Promise.all(CONNECTORS.map(writer));
    writersDone = true;
    await Promise.all(readers);

    expect(problems).toEqual([]);
    // The check only means something if readers really held snapshots across replaces.
    expect(snapshotsChecked).toBeGreaterThan(READERS);
    expect(snapshotsReplacedWhileHeld).toBeGreaterThan(0);
    expect(registry.version).toBe(CONNECTORS.length * GENERATIONS);
    expect(eventVersions).toEqual(
      Array.from({ length: CONNECTORS.length * GENERATIONS }, (_, index) => index + 1),
    );
    expect(inconsistencies(registry.listTools())).toEqual([]);
  });
});
