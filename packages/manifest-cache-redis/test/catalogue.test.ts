import { describe, expect, it } from 'vitest';
import { fakeClock, newCache, rawRedis, T0, uniquePrefix } from './helpers.js';

const searchTool = { name: 'search', inputSchema: { type: 'object' } };
const fetchTool = { name: 'fetch', inputSchema: { type: 'object', properties: { url: { type: 'string' } } } };

describe('shared catalogue', () => {
  it('entries written by one host are read by another, with the writer and time', async () => {
    const keyPrefix = uniquePrefix();
    const writer = newCache({ keyPrefix, clock: fakeClock(T0).now });
    const reader = newCache({ keyPrefix });
    await writer.connect();
    await reader.connect();

    await writer.catalogue.write('github', { fingerprint: 'github@1.2.0#abc', tools: [searchTool] });
    await writer.catalogue.write('web', { fingerprint: 'web@2#def', tools: [fetchTool], savedAtMs: T0 - 5 });

    const { entries, malformed } = await reader.catalogue.read();
    expect(malformed).toEqual([]);
    expect(Object.fromEntries(entries)).toEqual({
      github: {
        fingerprint: 'github@1.2.0#abc',
        tools: [searchTool],
        savedAtMs: T0,
        writerId: writer.instanceId,
      },
      web: { fingerprint: 'web@2#def', tools: [fetchTool], savedAtMs: T0 - 5, writerId: writer.instanceId },
    });
  });

  it('a later write replaces a connector’s entry, and remove() forgets it', async () => {
    const keyPrefix = uniquePrefix();
    const first = newCache({ keyPrefix });
    const second = newCache({ keyPrefix });
    await first.connect();
    await second.connect();
    await first.catalogue.write('github', { fingerprint: 'v1', tools: [searchTool] });
    await second.catalogue.write('github', { fingerprint: 'v2', tools: [searchTool, fetchTool] });
    expect((await first.catalogue.read()).entries.get('github')).toMatchObject({
      fingerprint: 'v2',
      writerId: second.instanceId,
    });
    await first.catalogue.remove('github');
    expect((await second.catalogue.read()).entries.size).toBe(0);
  });

  it('shares resources, templates, prompts and instructions beside the tools, and skips them when mistyped', async () => {
    const keyPrefix = uniquePrefix();
    const writer = newCache({ keyPrefix, clock: fakeClock(T0).now });
    const reader = newCache({ keyPrefix });
    await writer.connect();
    await reader.connect();
    const resource = { uri: 'file:///a.txt', name: 'a', _meta: { 'x/y': 1 } };
    const template = { uriTemplate: 'file:///{path}', name: 'files' };
    const prompt = { name: 'greet', arguments: [{ name: 'who', required: true }] };
    await writer.catalogue.write('notes', {
      fingerprint: 'f',
      tools: [searchTool],
      resources: [resource],
      resourceTemplates: [template],
      prompts: [prompt],
      instructions: 'Use search first.',
    });
    await rawRedis().hset(`${keyPrefix}catalogue`, {
      'bad-prompts': JSON.stringify({ fingerprint: 'f', tools: [], savedAtMs: T0, prompts: 'no' }),
      'bad-instructions': JSON.stringify({ fingerprint: 'f', tools: [], savedAtMs: T0, instructions: 7 }),
    });

    const { entries, malformed } = await reader.catalogue.read();
    expect(entries.get('notes')).toEqual({
      fingerprint: 'f',
      tools: [searchTool],
      resources: [resource],
      resourceTemplates: [template],
      prompts: [prompt],
      instructions: 'Use search first.',
      savedAtMs: T0,
      writerId: writer.instanceId,
    });
    expect([...malformed].sort()).toEqual(['bad-instructions', 'bad-prompts']);
  });

  it('skips and lists entries it did not write (not JSON, wrong shape)', async () => {
    const keyPrefix = uniquePrefix();
    const host = newCache({ keyPrefix });
    await host.connect();
    await host.catalogue.write('good', { fingerprint: 'f', tools: [] });
    await rawRedis().hset(`${keyPrefix}catalogue`, {
      'not-json': '{oops',
      'no-tools': '{"fingerprint":"f"}',
    });
    const { entries, malformed } = await host.catalogue.read();
    expect([...entries.keys()]).toEqual(['good']);
    expect([...malformed].sort()).toEqual(['no-tools', 'not-json']);
  });

  it('rejects before connect() has finished and after close(), so the host uses its local copy', async () => {
    const host = newCache({ keyPrefix: uniquePrefix() });
    await expect(host.catalogue.read()).rejects.toMatchObject({ code: 'redis_unavailable' });
    await host.connect();
    await host.close();
    await expect(host.catalogue.write('x', { fingerprint: 'f', tools: [] })).rejects.toMatchObject({
      code: 'closed',
    });
  });
});
