import { ToolRegistryError } from './errors.js';

/** Values JSON.stringify leaves out of objects (and writes as `null` in arrays). */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** An open container: its keys (objects only, sorted and filtered) and the next member to write. */
interface Frame {
  readonly container: object;
  readonly keys: readonly string[] | undefined;
  readonly length: number;
  index: number;
}

function scalarText(value: unknown): string {
  if (typeof value === 'bigint') {
    throw new ToolRegistryError(
      'invalid_tool',
      'A tool definition holds a bigint, which JSON cannot represent; convert it to a number or string.',
    );
  }
  // JSON.stringify writes non-finite numbers as null and -0 as 0; strings get JSON escaping.
  return isOmitted(value) ? 'null' : (JSON.stringify(value) as string);
}

/**
 * The canonical JSON text that tool pinning hashes (`toolDefinitionHash`): object keys sorted by UTF-16 code
 * unit (`Array.prototype.sort`, so the result is the same in every locale), no whitespace, members that are
 * `undefined` (or functions or symbols) left out, arrays in order with such values written as `null`, numbers
 * and strings as `JSON.stringify` writes them. `toJSON` methods are not called: this is for JSON data such as a
 * tool's schema. Two values give the same text exactly when they are equal as JSON data, whatever the
 * order their keys were written in.
 *
 * The walk is iterative, so deeply nested input cannot overflow the stack.
 *
 * @throws {ToolRegistryError} `invalid_tool` when `value` contains a cycle or a bigint.
 */
export function pinningCanonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return scalarText(value);
  const out: string[] = [];
  const path = new Set<object>();
  const frames: Frame[] = [open(value, path, out)];
  for (let frame = frames.at(-1); frame !== undefined; frame = frames.at(-1)) {
    if (frame.index === frame.length) {
      out.push(frame.keys === undefined ? ']' : '}');
      path.delete(frame.container);
      frames.pop();
      continue;
    }
    const index = frame.index;
    frame.index += 1;
    if (index > 0) out.push(',');
    const key = frame.keys?.[index];
    if (key !== undefined) out.push(JSON.stringify(key), ':');
    const member: unknown = (frame.container as Record<string, unknown>)[key ?? index];
    if (typeof member === 'object' && member !== null) frames.push(open(member, path, out));
    else out.push(scalarText(member));
  }
  return out.join('');
}

/** Writes a container's opening bracket and returns its frame; its members follow one by one. */
function open(container: object, path: Set<object>, out: string[]): Frame {
  if (path.has(container)) {
    throw new ToolRegistryError(
      'invalid_tool',
      'A tool definition refers to itself (a cycle), which JSON cannot represent; pass plain JSON data.',
    );
  }
  path.add(container);
  if (Array.isArray(container)) {
    out.push('[');
    return { container, keys: undefined, length: container.length, index: 0 };
  }
  const record = container as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => !isOmitted(record[key]))
    .sort();
  out.push('{');
  return { container, keys, length: keys.length, index: 0 };
}
