import { createHmac, timingSafeEqual } from 'node:crypto';
import { ServiceMapError } from './errors.js';

// Cortex-OS sorts with `a.localeCompare(b, 'en')`; a collator for 'en' compares identically and is built once.
const englishCollator = new Intl.Collator('en');

/**
 * Serialises `value` the Cortex-OS way: `JSON.stringify` after sorting every object's keys recursively with
 * `localeCompare` (locale "en"; names it calls equal, by UTF-16 code unit), arrays kept in order, undefined
 * members dropped. The result does not depend on member order.
 *
 * The sorted objects go through `JSON.stringify` on purpose: it puts integer-like keys ("2", "10") first in
 * numeric order whatever the sort says, and Cortex-OS signatures include that quirk.
 */
export function signingCanonicalJson(value: unknown): string {
  return JSON.stringify(sortKeysDeep(value)) ?? '';
}

// The collator calls some distinct names equal ("a" and "a\u0000", "é" and "e\u0301"). Cortex-OS's sort then keeps
// insertion order, which would make the signed text depend on member order; ordering such ties by code unit keeps
// the canonical form canonical, and changes nothing for names the collator tells apart.
function compareCodeUnits(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return sortKeysDeep(withToJson.toJSON());
  const entries = Object.entries(value)
    .filter(([, member]) => member !== undefined)
    .sort(([left], [right]) => englishCollator.compare(left, right) || compareCodeUnits(left, right))
    .map(([key, member]) => [key, sortKeysDeep(member)] as const);
  // fromEntries defines own properties, so a "__proto__" key stays data and is signed like any other key.
  return Object.fromEntries(entries);
}

function withoutSignature(payload: object): Record<string, unknown> {
  const { signature: _signature, ...rest } = payload as Record<string, unknown>;
  return rest;
}

function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new ServiceMapError(
      'invalid_options',
      'Service map: a signature key must be a non-empty string. Set CONNECTORS_SIGNATURE_KEY.',
    );
  }
}

/**
 * HMAC-SHA256 (base64url, no padding) of the payload without its `signature` member, over {@link signingCanonicalJson}.
 * Pass the object as received (`JSON.parse` of the body), not a schema's output.
 */
export function computeServiceMapSignature(payload: object, key: string): string {
  assertKey(key);
  return createHmac('sha256', key)
    .update(signingCanonicalJson(withoutSignature(payload)))
    .digest('base64url');
}

/** Returns a copy of `payload` with `signature` set (any previous signature is replaced). For producers and tests. */
export function signServiceMap<T extends object>(payload: T, key: string): T & { signature: string } {
  return { ...payload, signature: computeServiceMapSignature(payload, key) };
}

/**
 * True when `payload.signature` matches the signature under any one of `keys` (key rotation).
 * Compares in constant time; a signature of another length is simply a mismatch. Every key is tried,
 * so the time taken does not reveal which key matched.
 */
export function verifyServiceMapSignature(payload: object, keys: string | readonly string[]): boolean {
  const keyList = typeof keys === 'string' ? [keys] : keys;
  const provided = (payload as { signature?: unknown }).signature;
  if (typeof provided !== 'string' || keyList.length === 0) return false;
  const providedBytes = Buffer.from(provided, 'utf8');
  let matched = false;
  for (const key of keyList) {
    const expectedBytes = Buffer.from(computeServiceMapSignature(payload, key), 'utf8');
    const equal =
      expectedBytes.length === providedBytes.length && timingSafeEqual(expectedBytes, providedBytes);
    matched = matched || equal;
  }
  return matched;
}
