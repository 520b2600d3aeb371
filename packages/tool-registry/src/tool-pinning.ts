import { createHash } from 'node:crypto';
import { pinningCanonicalJson } from './pinning-canonical-json.js';

/**
 * The members of a tool definition that {@link toolDefinitionHash} covers and {@link diffToolDefinitions}
 * compares: what a model reads to decide whether and how to call a tool.
 */
export const PINNED_TOOL_FIELDS = Object.freeze([
  'name',
  'description',
  'inputSchema',
  'outputSchema',
  'annotations',
] as const);

/** One of {@link PINNED_TOOL_FIELDS}. */
export type PinnedToolField = (typeof PINNED_TOOL_FIELDS)[number];

/**
 * What the pinning helpers read from a tool; any other members (handler, metadata, `_meta`, ...) are
 * ignored, so an upstream `Tool`, a `ConnectorToolDefinition` and a `RegisteredTool` can all be passed.
 */
export interface PinnableToolDefinition {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema?: unknown;
  readonly outputSchema?: unknown;
  readonly annotations?: unknown;
}

/** A pinned field's canonical text, or undefined when the member is absent (as JSON would drop it). */
function fieldText(tool: PinnableToolDefinition, field: PinnedToolField): string | undefined {
  const value: unknown = tool[field];
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  return pinningCanonicalJson(value);
}

/**
 * A stable fingerprint of a tool definition, for pinning (the rug-pull defence: remember what a tool
 * looked like when it was approved, notice when upstream changes it later).
 *
 * It is the lowercase hex SHA-256 of the {@link pinningCanonicalJson} of the object holding the definition's
 * `name`, `description`, `inputSchema`, `outputSchema` and `annotations` (absent or `undefined` members
 * left out). So key order inside schemas does not matter, any change to one of those members changes the
 * hash, and handlers, metadata and other members do not. Which name to pass (the upstream name or the
 * public one) is the caller's choice; pin with the same one every time.
 *
 * @throws {ToolRegistryError} `invalid_tool` when a member contains a cycle or a bigint.
 * @example toolDefinitionHash({ name: 'search', inputSchema: { type: 'object' } }) // 64 hex characters
 */
export function toolDefinitionHash(tool: PinnableToolDefinition): string {
  const pinned: Record<string, unknown> = {};
  for (const field of PINNED_TOOL_FIELDS) pinned[field] = tool[field];
  return createHash('sha256').update(pinningCanonicalJson(pinned), 'utf8').digest('hex');
}

/**
 * The pinned fields (in {@link PINNED_TOOL_FIELDS} order) whose canonical JSON differs between `before`
 * and `after`; empty exactly when {@link toolDefinitionHash} gives both the same hash. A member that
 * appears or disappears counts as changed.
 *
 * @throws {ToolRegistryError} `invalid_tool` when a member contains a cycle or a bigint.
 * @example diffToolDefinitions(approved, current) // ['description', 'inputSchema']
 */
export function diffToolDefinitions(
  before: PinnableToolDefinition,
  after: PinnableToolDefinition,
): readonly PinnedToolField[] {
  return Object.freeze(
    PINNED_TOOL_FIELDS.filter((field) => fieldText(before, field) !== fieldText(after, field)),
  );
}
