import { describe, expect, it } from 'vitest';
import { type LoadServiceMapOptions, loadConnectorServiceMap, ServiceMapError } from '../src/index.js';

const base = { serviceMapUrl: 'http://127.0.0.1:9/map', signatureKey: 'k' };

async function codeOf(options: LoadServiceMapOptions): Promise<string | undefined> {
  const error = await loadConnectorServiceMap(options).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ServiceMapError);
  return (error as ServiceMapError).code;
}

describe('options', () => {
  it.each<[string, LoadServiceMapOptions]>([
    ['no key at all', { serviceMapUrl: base.serviceMapUrl }],
    ['an empty signatureKey', { ...base, signatureKey: '' }],
    ['an empty key among signatureKeys', { ...base, signatureKeys: ['good', ''] }],
    ['a relative URL', { ...base, serviceMapUrl: '/map' }],
    ['an unsupported scheme', { ...base, serviceMapUrl: 'ftp://example.test/map' }],
    ['a file URL with a remote host', { ...base, serviceMapUrl: 'file://remote-host/map.json' }],
    ['a zero timeout', { ...base, timeoutMs: 0 }],
    ['a fractional maxBytes', { ...base, maxBytes: 1.5 }],
    ['an empty apiKey', { ...base, apiKey: '' }],
    ['an apiKey with a newline', { ...base, apiKey: 'abc\r\nx-injected: 1' }],
    ['an invalid extra header', { ...base, headers: { 'bad header': 'x' } }],
    ['a zero maxConnectors', { ...base, maxConnectors: 0 }],
    ['a fractional maxConnectors', { ...base, maxConnectors: 2.5 }],
    ['a redirectOrigins entry with a path', { ...base, redirectOrigins: ['https://cdn.example.test/maps'] }],
    ['a redirectOrigins entry that is not http(s)', { ...base, redirectOrigins: ['ftp://cdn.example.test'] }],
    ['a redirectOrigins entry that is not a URL', { ...base, redirectOrigins: ['cdn.example.test'] }],
  ])('rejects %s with invalid_options before any I/O', async (_name, options) => {
    expect(await codeOf(options)).toBe('invalid_options');
  });

  it('never echoes an unparseable URL, which may hold credentials', async () => {
    const error = await loadConnectorServiceMap({ ...base, serviceMapUrl: 'not a url:secret@' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'invalid_options' });
    expect((error as Error).message).not.toContain('secret');
  });

  it('never echoes a redirectOrigins entry, which may hold credentials', async () => {
    const error = await loadConnectorServiceMap({
      ...base,
      redirectOrigins: ['https://cdn.example.test', 'https://user:hunter2@cdn.example.test'],
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'invalid_options' });
    expect((error as Error).message).toContain('redirectOrigins[1]');
    expect((error as Error).message).not.toContain('hunter2');
  });
});
