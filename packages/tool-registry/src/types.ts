import type { CatalogueKind, NamePrefixMode } from './catalogue-kind.js';
import type { ToolRegistryWarning } from './warning-types.js';

/** Progress reported by a running tool call (mirrors MCP `notifications/progress`). */
export interface ToolProgress {
  readonly progress: number;
  readonly total?: number;
  readonly message?: string;
}

/** One log message an upstream sent while serving a call (the params of MCP `notifications/message`). */
export interface ToolCallLog {
  readonly level: 'debug' | 'info' | 'notice' | 'warning' | 'error' | 'critical' | 'alert' | 'emergency';
  readonly logger?: string;
  readonly data: unknown;
}

/** A request an upstream sends back to the client while serving a call: `sampling/createMessage`, … */
export interface ToolCallRequest {
  readonly method: string;
  readonly params?: Record<string, unknown>;
}

/**
 * What the host passes to a handler besides the arguments. The index signature lets a host forward
 * whatever else its MCP server gives it (session id, auth info, ...).
 */
export interface ToolCallContext {
  /** Aborted when the client cancels the request. */
  readonly signal?: AbortSignal;
  /** Forwards upstream progress to the client. */
  readonly onProgress?: (progress: ToolProgress) => void;
  /** Forwards the upstream's log messages about this call to the client that made it. */
  readonly onLog?: (log: ToolCallLog) => void;
  /**
   * Relays a request the upstream sends while serving this call (`sampling/createMessage`, `elicitation/create`,
   * `roots/list`) to the client that made it, and resolves with the client's result. Rejects with the client's
   * JSON-RPC error (its `code` and `data` kept), or when the client lacks the capability. `signal` aborts it.
   */
  readonly onRequest?: (
    request: ToolCallRequest,
    context: { readonly signal: AbortSignal },
  ) => Promise<{ [key: string]: unknown }>;
  readonly [key: string]: unknown;
}

/**
 * Runs one tool call. The result is returned to the client unchanged (usually the upstream
 * `CallToolResult`), so the registry does not constrain its shape.
 */
export type ToolHandler = (args: Record<string, unknown>, context: ToolCallContext) => Promise<unknown>;

/** A JSON Schema object with `type: 'object'` at the root, as MCP requires for tool input and output. */
export interface ToolObjectSchema {
  readonly type: 'object';
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly required?: readonly string[];
  readonly [key: string]: unknown;
}

/** MCP tool annotations (hints for clients); unknown members are kept. */
export interface ToolAnnotations {
  readonly title?: string;
  readonly readOnlyHint?: boolean;
  readonly destructiveHint?: boolean;
  readonly idempotentHint?: boolean;
  readonly openWorldHint?: boolean;
  readonly [key: string]: unknown;
}

/** The routing and policy data the registry keeps with every tool. */
export interface ToolMetadata {
  /** The connector that owns the tool; `replaceConnectorTools()` swaps tools by this id. */
  readonly connectorId: string;
  /** The tool's name upstream: route calls with this, never with the public name. */
  readonly originalName: string;
  readonly scopes: readonly string[];
  readonly tags: readonly string[];
  /** The effective (sanitised) namespace the public name was built with, when it came from a connector set. */
  readonly namespace?: string;
  readonly brand?: string;
  readonly [key: string]: unknown;
}

/** Metadata as callers give it: only `connectorId` is required for `registerTool()`. */
export interface ToolMetadataInput {
  readonly connectorId: string;
  /** Defaults to the public name. */
  readonly originalName?: string;
  /** Defaults to `[]`. */
  readonly scopes?: readonly string[];
  /** Defaults to `[]`. */
  readonly tags?: readonly string[];
  readonly namespace?: string;
  readonly brand?: string;
  readonly [key: string]: unknown;
}

/** The client-visible parts of an MCP tool, shared by inputs and registered tools. */
export interface ToolDescription {
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema: ToolObjectSchema;
  readonly outputSchema?: ToolObjectSchema;
  readonly annotations?: ToolAnnotations;
  readonly icons?: readonly unknown[];
  readonly execution?: Readonly<Record<string, unknown>>;
  readonly _meta?: Readonly<Record<string, unknown>>;
}

/** Input of `registerTool()`: `name` is the public name, used as given (it must already be valid). */
export interface ToolDefinition extends ToolDescription {
  readonly name: string;
  readonly handler: ToolHandler;
  readonly metadata: ToolMetadataInput;
}

/**
 * One upstream tool as given to `replaceConnectorTools()`: `name` is the ORIGINAL upstream name; the
 * registry computes the public name. `connectorId`, `originalName` and `namespace` in `metadata` are
 * set by the registry and override anything given here.
 */
export interface ConnectorToolDefinition extends ToolDescription {
  readonly name: string;
  readonly handler: ToolHandler;
  readonly metadata?: Partial<ToolMetadataInput>;
}

/** A tool as the registry serves it. Frozen, schemas included; `handler` is the caller's function. */
export interface RegisteredTool extends ToolDescription {
  /** The public, MCP-valid name clients call. */
  readonly name: string;
  readonly handler: ToolHandler;
  readonly metadata: ToolMetadata;
}

/** Options of `replaceConnectorTools()`. */
export interface ReplaceConnectorToolsOptions {
  /**
   * Namespace for this call's public names; `''` publishes bare names (one transparent upstream).
   * Defaults to the constructor's `namespaces[connectorId]`, then to the connector id.
   */
  readonly namespace?: string;
  /** Merged under every tool's own metadata (the tool's members win), e.g. the connector's scopes and brand. */
  readonly metadata?: Partial<ToolMetadataInput>;
}

/** Public names touched by one effective change. */
export interface ToolRegistryChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Present before and after, with a different client-visible definition or metadata. */
  readonly changed: readonly string[];
}

/**
 * Delivered to `onChange` listeners once per version bump, in version order. The top-level `added`,
 * `removed` and `changed` are the TOOLS change (empty when tools did not change), as before resources and
 * prompts joined; `changes` has every kind.
 */
export interface ToolRegistryChangeEvent extends ToolRegistryChange {
  /** The registry version this change produced. */
  readonly version: number;
  /** Kinds whose visible items changed in this step, in the order tools, resources, resourceTemplates, prompts. */
  readonly kinds: readonly CatalogueKind[];
  /** Public names (tools, prompts) or URIs (resources, templates) added, removed and changed, per kind. */
  readonly changes: Readonly<Record<CatalogueKind, ToolRegistryChange>>;
}

/** What `replaceConnectorTools()` did. `added`, `removed` and `changed` are all empty for a no-op. */
export interface ReplaceConnectorToolsResult extends ToolRegistryChange {
  /** Registry version after the call (unchanged by a no-op). */
  readonly version: number;
  /** Public names of the connector's tools now registered, in the order given. */
  readonly tools: readonly string[];
  readonly warnings: readonly ToolRegistryWarning[];
}

/** Receives change events. A listener that throws (or rejects) is logged and does not affect others. */
export type ToolRegistryListener = (event: ToolRegistryChangeEvent) => void | Promise<void>;

/** Pino-compatible logger subset. */
export interface ToolRegistryLogger {
  warn(obj: object, msg?: string): void;
  error?(obj: object, msg?: string): void;
}

/** Options of `new VersionedToolRegistry()`. */
export interface VersionedToolRegistryOptions {
  /** Per-connector namespace, used when a replace call does not pass one; `''` means bare names. */
  readonly namespaces?: Readonly<Record<string, string>>;
  /** Receives collision and limit warnings and listener failures. Defaults to `console`. */
  readonly logger?: ToolRegistryLogger;
  /**
   * What a replace does with a malformed entry (no handler, schema not `type: 'object'`, name not a
   * string, resource URI without a scheme, ...): `'throw'` (default) rejects the whole call with
   * `invalid_tool` (tools) or `invalid_item` (other kinds) and changes nothing; `'skip'` leaves that entry
   * out with a warning and registers the rest, which suits upstream data a connector controls.
   */
  readonly onInvalidTool?: 'throw' | 'skip';
  /**
   * When public names and URIs carry the connector's namespace, for every kind (default `'always'`);
   * see {@link NamePrefixMode} and docs/naming.md.
   */
  readonly prefix?: NamePrefixMode;
  /** Most tools one connector may publish; entries past it are left out (default 1000). */
  readonly maxToolsPerConnector?: number;
  /** Most resources one connector may publish; entries past it are left out (default 1000). */
  readonly maxResourcesPerConnector?: number;
  /** Most resource templates one connector may publish; entries past it are left out (default 1000). */
  readonly maxResourceTemplatesPerConnector?: number;
  /** Most prompts one connector may publish; entries past it are left out (default 1000). */
  readonly maxPromptsPerConnector?: number;
  /** Longest upstream resource `uri` or `uriTemplate`, in UTF-8 bytes; longer ones are left out (default 8192). */
  readonly maxUriBytes?: number;
  /**
   * Longest `description` and `title` (and resource `name` and `mimeType`), in UTF-8 bytes; longer ones
   * are cut (default 32768).
   */
  readonly maxDescriptionBytes?: number;
  /**
   * Deepest nesting of each JSON member (`inputSchema`, `outputSchema`, `annotations`, `icons`,
   * `execution`, `arguments`, `_meta`); an item over it is left out (default 64, at most 1000).
   */
  readonly maxSchemaDepth?: number;
  /** Largest JSON text of each of those members, in UTF-8 bytes; an item over it is left out (default 262144). */
  readonly maxSchemaBytes?: number;
}
