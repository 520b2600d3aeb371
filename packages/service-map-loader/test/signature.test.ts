import { describe, expect, it } from 'vitest';
import {
  computeServiceMapSignature,
  ServiceMapError,
  signingCanonicalJson,
  signServiceMap,
  verifyServiceMapSignature,
} from '../src/index.js';
import { TEST_KEY, unsignedMap } from './helpers/maps.js';

describe('signingCanonicalJson', () => {
  it('sorts keys the way localeCompare("en") does, not by code point', () => {
    expect(signingCanonicalJson({ brand: 1, Owner: 2, category: 3, _x: 4 })).toBe(
      '{"_x":4,"brand":1,"category":3,"Owner":2}',
    );
  });

  it('sorts nested objects, keeps array order and drops undefined members', () => {
    expect(signingCanonicalJson({ b: [{ z: 1, a: 2 }, 3], a: { y: undefined, x: null } })).toBe(
      '{"a":{"x":null},"b":[{"a":2,"z":1},3]}',
    );
  });

  it('keeps JSON.stringify placing integer-like keys first, as Cortex-OS signatures do', () => {
    expect(signingCanonicalJson({ b: 1, '10': 2, a: 3, '2': 4 })).toBe('{"2":4,"10":2,"a":3,"b":1}');
  });

  it('keeps a "__proto__" member as data', () => {
    expect(signingCanonicalJson(JSON.parse('{"b":1,"__proto__":{"x":1}}'))).toBe(
      '{"__proto__":{"x":1},"b":1}',
    );
  });
});

describe('signing and verifying', () => {
  it('signs so that the same key verifies and another key does not', () => {
    const signed = signServiceMap(unsignedMap(), TEST_KEY);
    expect(signed.signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(verifyServiceMapSignature(signed, TEST_KEY)).toBe(true);
    expect(verifyServiceMapSignature(signed, 'other-key')).toBe(false);
  });

  it('accepts the map when any one of several keys matches', () => {
    const signed = signServiceMap(unsignedMap(), TEST_KEY);
    expect(verifyServiceMapSignature(signed, ['old-key', TEST_KEY, 'next-key'])).toBe(true);
    expect(verifyServiceMapSignature(signed, ['old-key', 'next-key'])).toBe(false);
    expect(verifyServiceMapSignature(signed, [])).toBe(false);
  });

  it('ignores member order and an existing signature when computing', () => {
    const map = unsignedMap();
    const reordered = Object.fromEntries(Object.entries(map).reverse());
    expect(computeServiceMapSignature({ ...reordered, signature: 'stale' }, TEST_KEY)).toBe(
      computeServiceMapSignature(map, TEST_KEY),
    );
  });

  it('treats a signature of another length, or of another type, as a mismatch', () => {
    const signed = signServiceMap(unsignedMap(), TEST_KEY);
    expect(verifyServiceMapSignature({ ...signed, signature: `${signed.signature}A` }, TEST_KEY)).toBe(false);
    expect(verifyServiceMapSignature({ ...signed, signature: 42 }, TEST_KEY)).toBe(false);
  });

  it('refuses to sign with an empty key', () => {
    expect(() => signServiceMap(unsignedMap(), '')).toThrow(ServiceMapError);
  });
});
