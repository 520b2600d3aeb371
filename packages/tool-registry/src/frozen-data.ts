/** True for `{}`-style objects (prototype `Object.prototype` or `null`), i.e. JSON objects. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A deep copy of JSON-like data with every array and plain object frozen. Members whose value is
 * `undefined` are dropped (JSON would drop them too). Other values (functions, class instances) are
 * kept by reference. Copying instead of freezing in place leaves the caller's objects untouched.
 */
export function freezeClone<T>(value: T): T {
  if (Array.isArray(value)) return Object.freeze(value.map(freezeClone)) as T;
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    // defineProperty, not assignment: a JSON key "__proto__" must stay data, not change the prototype.
    Object.defineProperty(copy, key, {
      value: freezeClone(member),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return Object.freeze(copy) as T;
}

/**
 * Structural equality of JSON-like data: object key order is ignored, `undefined` members count as
 * absent, arrays compare in order, anything else by `Object.is`.
 */
export function stableEqual(left: unknown, right: unknown): boolean {
  if (Object.is(left, right)) return true;
  if (Array.isArray(left)) {
    return (
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => stableEqual(item, right[index]))
    );
  }
  if (!isPlainObject(left) || !isPlainObject(right)) return false;
  const leftKeys = definedKeys(left);
  if (leftKeys.length !== definedKeys(right).length) return false;
  return leftKeys.every((key) => Object.hasOwn(right, key) && stableEqual(left[key], right[key]));
}

function definedKeys(object: Record<string, unknown>): string[] {
  return Object.keys(object).filter((key) => object[key] !== undefined);
}
