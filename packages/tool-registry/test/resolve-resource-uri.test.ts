import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ConnectorCatalogueInput, type NamePrefixMode, VersionedToolRegistry } from '../src/index.js';
import { recordingLogger, upstreamResource, upstreamTemplate } from './fixtures.js';

const MODES: NamePrefixMode[] = ['always', 'conditional', 'never'];

/** notes: files and a template; mail: one message and its own scheme; docs shares one file with notes. */
const CATALOGUES: Record<string, ConnectorCatalogueInput> = {
  notes: {
    resources: [upstreamResource('file:///a.txt'), upstreamResource('file:///shared.txt')],
    resourceTemplates: [upstreamTemplate('file:///notes/{name}')],
  },
  mail: { resources: [upstreamResource('mail://inbox/1')] },
  docs: {
    resources: [upstreamResource('file:///shared.txt')],
    resourceTemplates: [upstreamTemplate('file:///docs/{name}')],
  },
};

function fleet(prefix: NamePrefixMode, namespaces: Record<string, string> = {}) {
  const registry = new VersionedToolRegistry({ logger: recordingLogger(), prefix, namespaces });
  for (const [id, catalogue] of Object.entries(CATALOGUES)) registry.replaceConnectorCatalogue(id, catalogue);
  return registry;
}

describe('resolveResourceUri', () => {
  it('(a) maps every listed public URI to its connector and upstream URI, in every mode', () => {
    for (const mode of MODES) {
      const registry = fleet(mode);
      for (const resource of registry.listResources()) {
        expect(registry.resolveResourceUri(resource.uri)).toEqual({
          connectorId: resource.metadata.connectorId,
          uri: resource.metadata.originalUri,
        });
      }
    }
  });

  it('(b) reads back a prefixed form of a current connector in every mode, listed or not', () => {
    for (const mode of MODES) {
      const registry = fleet(mode);
      expect(registry.resolveResourceUri('mail+mail://inbox/99')).toEqual({
        connectorId: 'mail',
        uri: 'mail://inbox/99',
      });
      expect(registry.resolveResourceUri('docs+file:///shared.txt')).toEqual({
        connectorId: 'docs',
        uri: 'file:///shared.txt',
      });
      expect(registry.resolveResourceUri('gone+file:///a.txt')).toBeUndefined();
    }
  });

  it('(c) routes a bare URI by listing, then template, then scheme, outside always mode', () => {
    for (const mode of ['conditional', 'never'] as const) {
      const registry = fleet(mode);
      expect(registry.resolveResourceUri('file:///a.txt')).toEqual({
        connectorId: 'notes',
        uri: 'file:///a.txt',
      });
      expect(registry.resolveResourceUri('file:///notes/todo')).toEqual({
        connectorId: 'notes',
        uri: 'file:///notes/todo',
      });
      expect(registry.resolveResourceUri('file:///docs/intro')).toEqual({
        connectorId: 'docs',
        uri: 'file:///docs/intro',
      });
      expect(registry.resolveResourceUri('MAIL://inbox/2')).toEqual({
        connectorId: 'mail',
        uri: 'MAIL://inbox/2',
      });
    }
  });

  it('never guesses: two connectors listing a URI, matching it or using its scheme give undefined', () => {
    const registry = fleet('conditional');
    // Listed by notes and docs (so both publish it prefixed): the bare form is ambiguous.
    expect(registry.resolveResourceUri('file:///shared.txt')).toBeUndefined();
    // No listing, no template: notes and docs both use file:.
    expect(registry.resolveResourceUri('file:///elsewhere.txt')).toBeUndefined();
    expect(registry.resolveResourceUri('https://example.com/')).toBeUndefined();
    expect(registry.resolveResourceUri('no scheme at all')).toBeUndefined();
    registry.replaceConnectorCatalogue('more', {
      resourceTemplates: [upstreamTemplate('file:///notes/{other}')],
    });
    expect(registry.resolveResourceUri('file:///notes/todo')).toBeUndefined();
  });

  it("reads bare URIs back only for connectors with namespace '' in always mode", () => {
    const registry = fleet('always');
    expect(registry.resolveResourceUri('file:///a.txt')).toBeUndefined();
    const bare = fleet('always', { mail: '' });
    expect(bare.listResources().map((resource) => resource.uri)).toContain('mail://inbox/1');
    expect(bare.resolveResourceUri('mail://inbox/7')).toEqual({ connectorId: 'mail', uri: 'mail://inbox/7' });
    expect(bare.resolveResourceUri('file:///a.txt')).toBeUndefined();
  });
});

describe('publicResourceUri', () => {
  it('prefixes in always mode, and in conditional and never hands out bare only what reads back bare', () => {
    expect(fleet('always').publicResourceUri('notes', 'file:///a.txt')).toBe('notes+file:///a.txt');
    for (const mode of ['conditional', 'never'] as const) {
      const registry = fleet(mode);
      expect(registry.publicResourceUri('notes', 'file:///a.txt')).toBe('file:///a.txt');
      expect(registry.publicResourceUri('notes', 'file:///notes/x')).toBe('file:///notes/x');
      expect(registry.publicResourceUri('mail', 'mail://inbox/5')).toBe('mail://inbox/5');
      expect(registry.publicResourceUri('docs', 'file:///shared.txt')).toBe('docs+file:///shared.txt');
      expect(registry.publicResourceUri('docs', 'file:///elsewhere.txt')).toBe('docs+file:///elsewhere.txt');
    }
    expect(fleet('always', { mail: '' }).publicResourceUri('mail', 'mail://inbox/5')).toBe('mail://inbox/5');
  });

  it('always reads back to the same connector and URI, in every mode', () => {
    const upstreamUri = fc.oneof(
      fc.constantFrom(
        'file:///a.txt',
        'file:///shared.txt',
        'file:///notes/x',
        'file:///docs/y',
        'mail://inbox/1',
        'git+https://example.com/r.git',
        'notes+file:///a.txt',
        'docs+file:///shared.txt',
      ),
      fc.webUrl(),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...MODES),
        fc.constantFrom(...Object.keys(CATALOGUES)),
        upstreamUri,
        (mode, id, uri) => {
          const registry = fleet(mode);
          expect(registry.resolveResourceUri(registry.publicResourceUri(id, uri))).toEqual({
            connectorId: id,
            uri,
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('resolveResourceTemplate', () => {
  it('maps a listed public template, or its prefixed form, to the connector and upstream template', () => {
    const registry = fleet('conditional');
    expect(registry.resolveResourceTemplate('file:///notes/{name}')).toEqual({
      connectorId: 'notes',
      uriTemplate: 'file:///notes/{name}',
    });
    expect(registry.resolveResourceTemplate('notes+file:///notes/{name}')).toEqual({
      connectorId: 'notes',
      uriTemplate: 'file:///notes/{name}',
    });
    expect(registry.resolveResourceTemplate('file:///unknown/{name}')).toBeUndefined();
    expect(fleet('always').resolveResourceTemplate('docs+file:///docs/{name}')?.connectorId).toBe('docs');
  });
});
