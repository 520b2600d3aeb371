import { describe, expect, it } from 'vitest';
import { publicToolName, VersionedToolRegistry } from '../src/index.js';
import { recordingLogger, upstreamTool } from './fixtures.js';

describe('collisions within one connector', () => {
  // "a b" sanitises to "a_b_<hash>"; a second upstream tool literally named that claims the same name.
  const lossy = 'a b';
  const literal = publicToolName('', lossy);

  it('keeps the unchanged name with its owner and publishes the other under a further hash, with a warning', () => {
    const logger = recordingLogger();
    const registry = new VersionedToolRegistry({ logger });
    const result = registry.replaceConnectorTools('c', [upstreamTool(lossy), upstreamTool(literal)], {
      namespace: '',
    });
    const [lossyName, literalName] = result.tools;
    expect(literalName).toBe(literal);
    expect(lossyName).toMatch(new RegExp(`^${literal}_[0-9a-f]{8}$`));
    expect(registry.getTool(lossyName ?? '')?.metadata.originalName).toBe(lossy);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'name_collision_within_connector',
        connectorId: 'c',
        originalName: lossy,
        name: literal,
        assignedName: lossyName,
        otherOriginalName: literal,
      }),
    ]);
    expect(logger.lines).toEqual([
      expect.objectContaining({ level: 'warn', msg: result.warnings[0]?.message }),
    ]);
  });

  it('assigns the same names whatever order upstream lists the tools in', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const forward = registry.replaceConnectorTools('c', [upstreamTool(lossy), upstreamTool(literal)]).tools;
    const backward = registry.replaceConnectorTools('c', [upstreamTool(literal), upstreamTool(lossy)]).tools;
    expect([...backward].reverse()).toEqual(forward);
  });

  it('keeps the first of two tools with the same upstream name and warns', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const result = registry.replaceConnectorTools('c', [
      upstreamTool('dup', { description: 'first' }),
      upstreamTool('dup', { description: 'second' }),
    ]);
    expect(result.tools).toEqual(['c.dup']);
    expect(registry.getTool('c.dup')?.description).toBe('first');
    expect(result.warnings.map((warning) => warning.code)).toEqual(['duplicate_original_name']);
  });

  it('never merges names that sanitise to the same text', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    const originals = ['get weather', 'get/weather', 'get:weather', 'get_weather', 'get-weather'];
    const result = registry.replaceConnectorTools(
      'c',
      originals.map((name) => upstreamTool(name)),
    );
    expect(new Set(result.tools).size).toBe(originals.length);
    expect(result.warnings).toEqual([]);
    expect(result.tools.map((name) => registry.getTool(name)?.metadata.originalName)).toEqual(originals);
  });
});

describe('collisions across connectors', () => {
  it('leaves the name with the connector that has it and skips only that tool of the newcomer', () => {
    const logger = recordingLogger();
    const registry = new VersionedToolRegistry({ logger, namespaces: { alpha: '', beta: '' } });
    registry.replaceConnectorTools('alpha', [upstreamTool('search')]);
    const owner = registry.getTool('search');
    const result = registry.replaceConnectorTools('beta', [upstreamTool('search'), upstreamTool('fetch')]);
    expect(result.tools).toEqual(['fetch']);
    expect(registry.getTool('search')).toBe(owner);
    expect(registry.getTool('fetch')?.metadata.connectorId).toBe('beta');
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'name_collision_across_connectors',
        connectorId: 'beta',
        originalName: 'search',
        name: 'search',
        otherConnectorId: 'alpha',
      }),
    ]);
    expect(result.warnings[0]?.message).toMatch(/"beta".*"alpha"/);
    expect(logger.lines.map((line) => line.obj.code)).toEqual(['name_collision_across_connectors']);
  });

  it('keeps rejecting on every re-list while the owner holds the name, and admits it once freed', () => {
    const registry = new VersionedToolRegistry({
      logger: recordingLogger(),
      namespaces: { alpha: '', beta: '' },
    });
    registry.replaceConnectorTools('alpha', [upstreamTool('search')]);
    const betaTools = [upstreamTool('search')];
    expect(registry.replaceConnectorTools('beta', betaTools).tools).toEqual([]);
    expect(registry.replaceConnectorTools('beta', betaTools).warnings).toHaveLength(1);
    registry.removeConnector('alpha');
    expect(registry.getTool('search')).toBeUndefined();
    expect(registry.replaceConnectorTools('beta', betaTools).tools).toEqual(['search']);
    expect(registry.getTool('search')?.metadata.connectorId).toBe('beta');
  });

  it('catches namespaces that overlap through dots', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorTools('x', [upstreamTool('a.b')]);
    const result = registry.replaceConnectorTools('x.a', [upstreamTool('b')]);
    expect(result.tools).toEqual([]);
    expect(result.warnings[0]).toMatchObject({ name: 'x.a.b', otherConnectorId: 'x' });
  });
});
