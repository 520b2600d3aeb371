import { utf8Length } from './utf8-text.js';

/** Limits for {@link measureJson}. */
export interface JsonLimits {
  /** Deepest nesting of objects/arrays allowed; the outermost container is depth 1. */
  readonly maxDepth: number;
  /** Largest JSON text allowed, in UTF-8 bytes. */
  readonly maxBytes: number;
}

/**
 * What {@link measureJson} found. `exceeded` names the first limit crossed; then `depth` and `bytes`
 * are only what was seen up to that point (the walk stops at once).
 */
export interface JsonMeasure {
  readonly exceeded?: 'depth' | 'bytes';
  readonly depth: number;
  readonly bytes: number;
}

/** Values JSON.stringify leaves out of objects (and writes as `null` in arrays). */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function scalarBytes(value: unknown): number {
  if (typeof value === 'string') return utf8Length(JSON.stringify(value));
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value).length : 4;
  if (typeof value === 'bigint') return String(value).length;
  if (typeof value === 'boolean') return value ? 4 : 5;
  return 4; // null, and undefined/function/symbol inside arrays, which JSON writes as null
}

/**
 * The nesting depth and the UTF-8 size of the JSON text of `value` (as `JSON.stringify` would write it,
 * without `toJSON`), stopping as soon as either limit is crossed.
 *
 * The walk is iterative, so a 100,000-deep schema cannot overflow the stack, and a cycle simply counts
 * as too deep. Every value visited adds at least one byte, so the work is bounded by `maxBytes` even for
 * objects that share sub-objects many times over.
 */
export function measureJson(value: unknown, limits: JsonLimits): JsonMeasure {
  const stack: Pending[] = [{ value, depth: 0 }];
  let deepest = 0;
  let bytes = 0;
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const current = item.value;
    if (typeof current !== 'object' || current === null) {
      bytes += scalarBytes(current);
      if (bytes > limits.maxBytes) return { exceeded: 'bytes', depth: deepest, bytes };
      continue;
    }
    const depth = item.depth + 1;
    deepest = Math.max(deepest, depth);
    if (depth > limits.maxDepth) return { exceeded: 'depth', depth, bytes };
    // Count the container's own text before queueing its members, so a huge container fails fast.
    bytes += punctuationAndKeyBytes(current);
    if (bytes > limits.maxBytes) return { exceeded: 'bytes', depth: deepest, bytes };
    pushMembers(current, depth, stack);
  }
  return { depth: deepest, bytes };
}

interface Pending {
  readonly value: unknown;
  readonly depth: number;
}

/** Brackets, commas, and `"key":` of one container (its members are counted when visited). */
function punctuationAndKeyBytes(container: object): number {
  if (Array.isArray(container)) return 2 + Math.max(0, container.length - 1);
  const record = container as Record<string, unknown>;
  let bytes = 2;
  let members = 0;
  for (const key of Object.keys(record)) {
    if (isOmitted(record[key])) continue;
    bytes += utf8Length(JSON.stringify(key)) + 1;
    members += 1;
  }
  return bytes + Math.max(0, members - 1);
}

function pushMembers(container: object, depth: number, stack: Pending[]): void {
  if (Array.isArray(container)) {
    for (const member of container) stack.push({ value: isOmitted(member) ? null : member, depth });
    return;
  }
  const record = container as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const member = record[key];
    if (!isOmitted(member)) stack.push({ value: member, depth });
  }
}
