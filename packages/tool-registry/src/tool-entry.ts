import type { CatalogueItemMetadata } from './catalogue-types.js';
import { ToolRegistryError } from './errors.js';
import { freezeClone, isPlainObject, stableEqual } from './frozen-data.js';
import type { RegisteredTool, ToolDescription, ToolMetadataInput } from './types.js';

/** The client-visible members of a tool besides `name`; the only ones copied from inputs. */
const DESCRIPTION_FIELDS = [
  'title',
  'description',
  'inputSchema',
  'outputSchema',
  'annotations',
  'icons',
  'execution',
  '_meta',
] as const satisfies readonly (keyof ToolDescription)[];

const OPTIONAL_STRINGS = ['title', 'description'] as const;
const OPTIONAL_OBJECTS = ['annotations', 'execution', '_meta'] as const;

/** Throws `invalid_tool` unless `tool` has a handler and well-formed MCP description members. */
export function validateTool(tool: unknown, label: string): void {
  const problem = toolProblem(tool);
  if (problem !== undefined) throw invalidTool(label, problem);
}

/**
 * What is wrong with `tool` (e.g. `has no handler; ...`), or undefined when it has a handler and
 * well-formed MCP description members. Only the top level is inspected, so this never recurses.
 */
export function toolProblem(tool: unknown): string | undefined {
  if (!isPlainObject(tool)) return 'is not an object';
  if (typeof tool.handler !== 'function') {
    return 'has no handler; pass handler: async (args, context) => result';
  }
  const schemaProblem =
    objectSchemaProblem(tool.inputSchema, 'inputSchema') ??
    (tool.outputSchema === undefined ? undefined : objectSchemaProblem(tool.outputSchema, 'outputSchema'));
  if (schemaProblem !== undefined) return schemaProblem;
  for (const field of OPTIONAL_STRINGS) {
    if (tool[field] !== undefined && typeof tool[field] !== 'string') {
      return `has a non-string ${field}; pass a string or leave it out`;
    }
  }
  for (const field of OPTIONAL_OBJECTS) {
    if (tool[field] !== undefined && !isPlainObject(tool[field])) {
      return `has a non-object ${field}; pass a plain object or leave it out`;
    }
  }
  if (tool.icons !== undefined && !Array.isArray(tool.icons)) {
    return 'has non-array icons; pass an array or leave it out';
  }
  return tool.metadata === undefined ? undefined : metadataProblem(tool.metadata);
}

/** What is wrong with an item's `metadata` (not an object, `scopes`/`tags` not string arrays), if anything. */
export function metadataProblem(metadata: unknown): string | undefined {
  if (!isPlainObject(metadata)) return 'has non-object metadata; pass a plain object';
  for (const field of ['scopes', 'tags'] as const) {
    const value = metadata[field];
    if (value !== undefined && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
      return `has metadata.${field} that is not an array of strings`;
    }
  }
  return undefined;
}

function objectSchemaProblem(schema: unknown, field: string): string | undefined {
  if (isPlainObject(schema) && schema.type === 'object') return undefined;
  return `has an ${field} that is not a JSON Schema with type "object" (MCP requires one)`;
}

/** The `invalid_tool` error for `label` (e.g. `Tool #2 of connector "c"`) and `problem`. */
export function invalidTool(label: string, problem: string): ToolRegistryError {
  return new ToolRegistryError('invalid_tool', `${label} ${problem}; nothing was registered.`);
}

/** The description members of `tool`, ignoring anything else it carries. */
export function pickDescription(tool: ToolDescription): ToolDescription {
  const picked: Record<string, unknown> = {};
  for (const field of DESCRIPTION_FIELDS) {
    if (tool[field] !== undefined) picked[field] = tool[field];
  }
  return picked as unknown as ToolDescription;
}

/**
 * Complete metadata: `defaults` under `given`, `scopes`/`tags` defaulting to `[]`, and `owned` (the
 * members the registry is the authority for: connector, upstream name or URI, namespace) over both.
 */
export function completeMetadata<Owned extends { connectorId: string; namespace?: string }>(
  given: Partial<ToolMetadataInput> | undefined,
  defaults: Partial<ToolMetadataInput> | undefined,
  owned: Owned,
): CatalogueItemMetadata & Owned {
  return {
    ...defaults,
    ...given,
    scopes: given?.scopes ?? defaults?.scopes ?? [],
    tags: given?.tags ?? defaults?.tags ?? [],
    ...owned,
  };
}

/** True when clients would see no difference between the two (handlers are not compared). */
export function sameVisibleTool(left: RegisteredTool, right: RegisteredTool): boolean {
  return (
    left.name === right.name &&
    DESCRIPTION_FIELDS.every((field) => stableEqual(left[field], right[field])) &&
    stableEqual(left.metadata, right.metadata)
  );
}

/**
 * The entry to store for `candidate`: `previous` itself when nothing changed (so identity is stable
 * and nothing is copied), `previous` with the new handler when only the handler changed, else a
 * frozen deep copy. Freezing happens once here, never on reads.
 */
export function toEntry(candidate: RegisteredTool, previous: RegisteredTool | undefined): RegisteredTool {
  if (previous !== undefined && sameVisibleTool(candidate, previous)) {
    return previous.handler === candidate.handler
      ? previous
      : Object.freeze({ ...previous, handler: candidate.handler });
  }
  return Object.freeze({
    ...freezeClone(pickDescription(candidate)),
    name: candidate.name,
    handler: candidate.handler,
    metadata: freezeClone(candidate.metadata),
  });
}
