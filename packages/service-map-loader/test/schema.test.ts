import { describe, expect, it } from 'vitest';
import { parseServiceMap, ServiceMapError, serviceMapPayloadSchema, signServiceMap } from '../src/index.js';
import { clock, TEST_KEY, unsignedMap } from './helpers/maps.js';

function parseWith(overrides: Record<string, unknown>) {
  return parseServiceMap(JSON.stringify(signServiceMap(unsignedMap(overrides), TEST_KEY)), {
    signatureKey: TEST_KEY,
    clock,
  });
}

describe('service map schema', () => {
  it('keeps unknown members at every level', () => {
    const result = parseWith({
      region: 'eu',
      connectors: [{ ...connector(), auth: { type: 'none', scheme: 'x' } }],
    });
    expect(result.payload.region).toBe('eu');
    expect(result.payload.connectors[0]?.auth?.scheme).toBe('x');
  });

  it('accepts every optional connector member Cortex-OS defines', () => {
    const full = {
      ...connector(),
      auth: { type: 'apiKey', headerName: 'X-Api-Key' },
      quotas: { perMinute: 60 },
      timeouts: { connectMs: 2000 },
      metadata: { brand: 'brAInwav' },
      headers: { 'X-Trace': 'on' },
    };
    expect(
      serviceMapPayloadSchema.safeParse({ ...unsignedMap({ connectors: [full] }), signature: 's' }).success,
    ).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a non-ULID id', { id: 'map-1' }, 'id'],
    ['a non-ISO generatedAt', { generatedAt: 'yesterday' }, 'generatedAt'],
    ['an unknown status', { connectors: [{ ...connector(), status: 'paused' }] }, 'connectors[0].status'],
    [
      'an unknown auth type',
      { connectors: [{ ...connector(), auth: { type: 'oauth' } }] },
      'connectors[0].auth.type',
    ],
    ['duplicate connector ids', { connectors: [connector(), connector()] }, 'connectors[1].id'],
  ])('rejects %s, naming the path', (_name, overrides, path) => {
    const error = (() => {
      try {
        parseWith(overrides);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ServiceMapError);
    expect(error).toMatchObject({ code: 'schema' });
    expect((error as Error).message).toContain(path);
  });

  it('checks the signature over the map as received, not over the parsed output', () => {
    const text = JSON.stringify(signServiceMap(unsignedMap({ extra: { b: 1, a: [1, 2] } }), TEST_KEY));
    const tampered = text.replace('"a":[1,2]', '"a":[2,1]');
    expect(parseServiceMap(text, { signatureKey: TEST_KEY, clock }).payload.extra).toEqual({
      b: 1,
      a: [1, 2],
    });
    expect(() => parseServiceMap(tampered, { signatureKey: TEST_KEY, clock })).toThrow(/signature/);
  });
});

function connector(): Record<string, unknown> {
  return { id: 'c1', version: '1', name: 'One', scopes: ['a:b'], status: 'enabled', ttl: 60 };
}
