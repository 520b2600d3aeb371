import { ToolRegistryError } from './errors.js';
import { measureJson } from './json-measure.js';
import type { ToolDescription, VersionedToolRegistryOptions } from './types.js';
import { truncateUtf8, utf8Length } from './utf8-text.js';

/** The size limits every item and connector is held to; see {@link VersionedToolRegistryOptions}. */
export interface ToolLimits {
  readonly maxToolsPerConnector: number;
  readonly maxResourcesPerConnector: number;
  readonly maxResourceTemplatesPerConnector: number;
  readonly maxPromptsPerConnector: number;
  readonly maxUriBytes: number;
  readonly maxDescriptionBytes: number;
  readonly maxSchemaDepth: number;
  readonly maxSchemaBytes: number;
}

/**
 * Defaults: far above what real MCP servers publish (tens of tools, descriptions of a few KiB, schemas
 * under 10 levels and 100 KiB, URIs under 2 KiB), low enough that one broken or hostile upstream cannot
 * flood clients' context windows or the host's memory.
 */
export const DEFAULT_TOOL_LIMITS: ToolLimits = Object.freeze({
  maxToolsPerConnector: 1000,
  maxResourcesPerConnector: 1000,
  maxResourceTemplatesPerConnector: 1000,
  maxPromptsPerConnector: 1000,
  maxUriBytes: 8192,
  maxDescriptionBytes: 32_768,
  maxSchemaDepth: 64,
  maxSchemaBytes: 262_144,
});

/**
 * Highest `maxSchemaDepth` accepted. Stored schemas are copied and compared by recursive helpers; this
 * ceiling keeps them far from the stack limit (measuring itself is iterative and has no ceiling).
 */
export const MAX_SCHEMA_DEPTH_CEILING = 1000;

/** The members of a tool holding JSON data, each measured on its own. */
const TOOL_JSON_FIELDS = ['inputSchema', 'outputSchema', 'annotations', 'icons', 'execution', '_meta'];
/** The members of a tool holding free text, cut to `maxDescriptionBytes`. */
const TOOL_TEXT_FIELDS = ['description', 'title'];

/** Which members of an item {@link applyItemLimits} measures. */
export interface LimitedFields {
  /** JSON members, each held to `maxSchemaDepth` and `maxSchemaBytes`. */
  readonly json: readonly string[];
  /** Free-text members, cut to `maxDescriptionBytes`. */
  readonly text: readonly string[];
}

/** The constructor's limits, defaults filled in. @throws {ToolRegistryError} `invalid_options`. */
export function resolveToolLimits(options: VersionedToolRegistryOptions): ToolLimits {
  const limits: ToolLimits = {
    maxToolsPerConnector: options.maxToolsPerConnector ?? DEFAULT_TOOL_LIMITS.maxToolsPerConnector,
    maxResourcesPerConnector:
      options.maxResourcesPerConnector ?? DEFAULT_TOOL_LIMITS.maxResourcesPerConnector,
    maxResourceTemplatesPerConnector:
      options.maxResourceTemplatesPerConnector ?? DEFAULT_TOOL_LIMITS.maxResourceTemplatesPerConnector,
    maxPromptsPerConnector: options.maxPromptsPerConnector ?? DEFAULT_TOOL_LIMITS.maxPromptsPerConnector,
    maxUriBytes: options.maxUriBytes ?? DEFAULT_TOOL_LIMITS.maxUriBytes,
    maxDescriptionBytes: options.maxDescriptionBytes ?? DEFAULT_TOOL_LIMITS.maxDescriptionBytes,
    maxSchemaDepth: options.maxSchemaDepth ?? DEFAULT_TOOL_LIMITS.maxSchemaDepth,
    maxSchemaBytes: options.maxSchemaBytes ?? DEFAULT_TOOL_LIMITS.maxSchemaBytes,
  };
  for (const [option, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ToolRegistryError(
        'invalid_options',
        `Option ${option} is ${String(value)}; pass a positive integer (or leave it out for the default).`,
      );
    }
  }
  if (limits.maxSchemaDepth > MAX_SCHEMA_DEPTH_CEILING) {
    throw new ToolRegistryError(
      'invalid_options',
      `Option maxSchemaDepth is ${limits.maxSchemaDepth}; pass at most ${MAX_SCHEMA_DEPTH_CEILING}.`,
    );
  }
  return Object.freeze(limits);
}

/** One way a tool exceeds a limit. `text_truncated` is fixed by cutting; the others reject the tool. */
export interface LimitFinding {
  readonly code: 'text_truncated' | 'schema_too_deep' | 'schema_too_large';
  readonly field: string;
  readonly limit: number;
  readonly actual: number;
}

/** The item as it may be published, or why it may not. */
export type LimitOutcome<T> =
  | { readonly rejected: LimitFinding }
  | { readonly rejected?: undefined; readonly tool: T; readonly truncated: readonly LimitFinding[] };

/** {@link applyItemLimits} for a tool's members. */
export function applyToolLimits<T extends ToolDescription>(tool: T, limits: ToolLimits): LimitOutcome<T> {
  return applyItemLimits(tool, limits, { json: TOOL_JSON_FIELDS, text: TOOL_TEXT_FIELDS });
}

/**
 * Holds one item to `limits`: a JSON member too deep or too large rejects it (the first such member is
 * reported); otherwise an over-long text member is cut and reported. Returns `item` itself when nothing
 * was cut. Every walk is iterative and stops at the limit, so hostile input costs at most about
 * `maxSchemaBytes` of work per member.
 */
export function applyItemLimits<T extends object>(
  item: T,
  limits: ToolLimits,
  fields: LimitedFields,
): LimitOutcome<T> {
  const members = item as Readonly<Record<string, unknown>>;
  for (const field of fields.json) {
    const value = members[field];
    if (value === undefined) continue;
    const measured = measureJson(value, { maxDepth: limits.maxSchemaDepth, maxBytes: limits.maxSchemaBytes });
    if (measured.exceeded === 'depth') {
      return {
        rejected: { code: 'schema_too_deep', field, limit: limits.maxSchemaDepth, actual: measured.depth },
      };
    }
    if (measured.exceeded === 'bytes') {
      return {
        rejected: { code: 'schema_too_large', field, limit: limits.maxSchemaBytes, actual: measured.bytes },
      };
    }
  }
  const truncated: LimitFinding[] = [];
  let limited = item;
  for (const field of fields.text) {
    const text = members[field];
    if (typeof text !== 'string') continue;
    const cut = truncateUtf8(text, limits.maxDescriptionBytes);
    if (cut === text) continue;
    truncated.push({
      code: 'text_truncated',
      field,
      limit: limits.maxDescriptionBytes,
      actual: utf8Length(text),
    });
    limited = { ...limited, [field]: cut };
  }
  return { tool: limited, truncated };
}

/** `finding` as a clause for messages, naming the option that sets the limit. */
export function describeLimitFinding(finding: LimitFinding): string {
  switch (finding.code) {
    case 'text_truncated':
      return `its ${finding.field} is ${finding.actual} UTF-8 bytes, over maxDescriptionBytes (${finding.limit})`;
    case 'schema_too_deep':
      return `its ${finding.field} nests deeper than maxSchemaDepth (${finding.limit} levels)`;
    case 'schema_too_large':
      return `its ${finding.field} is over maxSchemaBytes (${finding.limit} bytes of JSON)`;
  }
}
