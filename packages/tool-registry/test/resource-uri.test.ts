import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VersionedToolRegistry } from '../src/index.js';
import { splitPrefixedUri, URI_PREFIX_MAX_LENGTH, uriPrefixFor } from '../src/resource-uri.js';
import { recordingLogger, upstreamResource, upstreamTemplate } from './fixtures.js';

const hash8 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);
/** A valid start of a URI scheme (RFC 3986) without `+`: what a prefix must be. */
const PREFIX = /^[a-z][a-z0-9.-]*$/;

describe('URI prefix derivation', () => {
  it('uses a namespace that is already lowercase scheme characters as it is', () => {
    expect(uriPrefixFor('notes')).toBe('notes');
    expect(uriPrefixFor('my-notes.v2')).toBe('my-notes.v2');
    expect(uriPrefixFor('')).toBeUndefined();
  });

  it('lowercases, escapes and hashes anything else, so it stays a scheme without +', () => {
    expect(uriPrefixFor('Notes')).toBe(`notes-${hash8('Notes')}`);
    expect(uriPrefixFor('my_notes')).toBe(`my-notes-${hash8('my_notes')}`);
    expect(uriPrefixFor('9lives')).toBe(`c9lives-${hash8('9lives')}`);
    expect(uriPrefixFor('_x')).toBe(`c-x-${hash8('_x')}`);
    expect(uriPrefixFor('git+https')).toBe(`git-https-${hash8('git+https')}`);
    const long = uriPrefixFor('n'.repeat(60)) ?? '';
    expect(long).toHaveLength(URI_PREFIX_MAX_LENGTH);
    expect(long).toBe(`${'n'.repeat(31)}-${hash8('n'.repeat(60))}`);
  });

  it('always yields a valid prefix, and the same one for the same namespace', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80, unit: 'grapheme' }), (namespace) => {
        const prefix = uriPrefixFor(namespace) ?? '';
        expect(prefix).toMatch(PREFIX);
        expect(prefix.length).toBeLessThanOrEqual(URI_PREFIX_MAX_LENGTH);
        expect(prefix).not.toContain('+');
        expect(uriPrefixFor(namespace)).toBe(prefix);
        expect(splitPrefixedUri(`${prefix}+git+https://x/y`)).toEqual({ prefix, rest: 'git+https://x/y' });
      }),
      { numRuns: 200 },
    );
  });

  it("derives a connector's prefix from its effective namespace", () => {
    const registry = new VersionedToolRegistry({
      logger: recordingLogger(),
      namespaces: { gh: 'GitHub_Issues' },
    });
    registry.replaceConnectorCatalogue('gh', { resources: [upstreamResource('gh://issues/1')] });
    registry.replaceConnectorCatalogue('notes', { resources: [upstreamResource('file:///a.txt')] });
    const prefix = registry.uriPrefixOf('gh') ?? '';
    expect(prefix).toBe(`github-issues-${hash8('GitHub_Issues')}`);
    expect(registry.listResources().map((resource) => resource.uri)).toEqual([
      `${prefix}+gh://issues/1`,
      'notes+file:///a.txt',
    ]);
    expect(registry.uriPrefixOf('unknown')).toBeUndefined();
  });
});

describe('prefixed URIs', () => {
  it('keep an upstream git+https URI whole after the first +', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorCatalogue('repo', {
      resources: [upstreamResource('git+https://example.com/r.git')],
      resourceTemplates: [upstreamTemplate('git+https://example.com/{repo}.git')],
    });
    expect(registry.listResources()[0]?.uri).toBe('repo+git+https://example.com/r.git');
    expect(registry.resolveResourceUri('repo+git+https://example.com/r.git')).toEqual({
      connectorId: 'repo',
      uri: 'git+https://example.com/r.git',
    });
    expect(registry.resolveResourceUri('repo+git+https://example.com/other.git')).toEqual({
      connectorId: 'repo',
      uri: 'git+https://example.com/other.git',
    });
    expect(registry.resolveResourceTemplate('repo+git+https://example.com/{repo}.git')).toEqual({
      connectorId: 'repo',
      uriTemplate: 'git+https://example.com/{repo}.git',
    });
  });

  it('read back whatever the case of the prefix, since URI schemes are case-insensitive', () => {
    const registry = new VersionedToolRegistry({ logger: recordingLogger() });
    registry.replaceConnectorCatalogue('notes', { resources: [upstreamResource('file:///a.txt')] });
    for (const uri of ['NOTES+file:///a.txt', 'Notes+file:///a.txt', 'notes+file:///b.txt']) {
      expect(registry.resolveResourceUri(uri)?.connectorId).toBe('notes');
    }
    expect(registry.resolveResourceUri('NOTES+file:///a.txt')?.uri).toBe('file:///a.txt');
    expect(registry.resolveResourceUri('other+file:///a.txt')).toBeUndefined();
  });

  it('leave out the URIs of a second connector whose namespace derives the same prefix, with one warning per kind', () => {
    const logger = recordingLogger();
    const registry = new VersionedToolRegistry({ logger, namespaces: { first: 'notes', second: 'notes' } });
    registry.replaceConnectorCatalogue('first', { resources: [upstreamResource('file:///a.txt')] });
    const result = registry.replaceConnectorCatalogue('second', {
      resources: [upstreamResource('file:///b.txt'), upstreamResource('file:///c.txt')],
      resourceTemplates: [upstreamTemplate('file:///{path}')],
    });
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: 'uri_prefix_collision',
        kind: 'resources',
        connectorId: 'second',
        otherConnectorId: 'first',
        originalName: 'file:///b.txt',
        actual: 2,
      }),
      expect.objectContaining({ code: 'uri_prefix_collision', kind: 'resourceTemplates' }),
    ]);
    expect(registry.getConnectorCatalogue('second').resources).toEqual([]);
    expect(registry.uriPrefixOf('second')).toBeUndefined();
    expect(registry.resolveResourceUri('notes+file:///b.txt')?.connectorId).toBe('first');
  });
});
