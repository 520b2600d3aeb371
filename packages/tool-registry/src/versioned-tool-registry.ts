import { ChangeEmitter } from './change-emitter.js';
import { resolveOnInvalidTool, screenConnectorTools } from './connector-intake.js';
import { ToolRegistryError } from './errors.js';
import { assignConnectorNames } from './name-assignment.js';
import { completeMetadata, pickDescription, sameVisibleTool, toEntry, validateTool } from './tool-entry.js';
import { applyToolLimits, describeLimitFinding, resolveToolLimits, type ToolLimits } from './tool-limits.js';
import { isValidMcpToolName, sanitiseNamespace } from './tool-name.js';
import type {
  ConnectorToolDefinition,
  RegisteredTool,
  ReplaceConnectorToolsOptions,
  ReplaceConnectorToolsResult,
  ToolDefinition,
  ToolRegistryChange,
  ToolRegistryListener,
  ToolRegistryLogger,
  VersionedToolRegistryOptions,
} from './types.js';

const NO_TOOLS: readonly RegisteredTool[] = Object.freeze([]);
const NO_NAMES: readonly string[] = Object.freeze([]);
const NO_CHANGE: ToolRegistryChange = Object.freeze({
  added: NO_NAMES,
  removed: NO_NAMES,
  changed: NO_NAMES,
});

const consoleLogger: ToolRegistryLogger = {
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

/**
 * Every tool the host serves, grouped by the connector that owns it.
 *
 * Each mutation builds the complete next state and swaps it in one synchronous step, so no reader
 * (even one that awaits while iterating a snapshot) can see a connector's set half old and half new.
 * `version` moves by exactly one per effective change; handler-only and order-only changes swap in
 * silently without a bump, because clients cannot see them.
 */
export class VersionedToolRegistry {
  #version = 0;
  #snapshot: readonly RegisteredTool[] = NO_TOOLS;
  readonly #byName = new Map<string, RegisteredTool>();
  readonly #byConnector = new Map<string, readonly RegisteredTool[]>();
  readonly #namespaces: ReadonlyMap<string, string>;
  readonly #logger: ToolRegistryLogger;
  readonly #emitter: ChangeEmitter;
  readonly #limits: ToolLimits;
  readonly #onInvalidTool: 'throw' | 'skip';

  /** @throws {ToolRegistryError} `invalid_options` when a limit is not a positive integer (or out of range). */
  constructor(options: VersionedToolRegistryOptions = {}) {
    this.#namespaces = new Map(Object.entries(options.namespaces ?? {}));
    this.#logger = options.logger ?? consoleLogger;
    this.#emitter = new ChangeEmitter(this.#logger);
    this.#limits = resolveToolLimits(options);
    this.#onInvalidTool = resolveOnInvalidTool(options.onInvalidTool);
  }

  /** Starts at 0; increases by one on every change clients can see. */
  get version(): number {
    return this.#version;
  }

  /**
   * All tools, grouped by connector (connectors in the order they first registered). Frozen, and the
   * same array object until the next change, so it is cheap to call on every `tools/list`.
   */
  listTools(): readonly RegisteredTool[] {
    return this.#snapshot;
  }

  /** The tool with this public name, in O(1). */
  getTool(name: string): RegisteredTool | undefined {
    return this.#byName.get(name);
  }

  /** One connector's tools (frozen; empty when it has none). */
  getConnectorTools(connectorId: string): readonly RegisteredTool[] {
    return this.#byConnector.get(connectorId) ?? NO_TOOLS;
  }

  /**
   * Calls `listener` after every version bump, once the registry already shows the new state.
   * Returns the unsubscribe function.
   */
  onChange(listener: ToolRegistryListener): () => void {
    return this.#emitter.subscribe(listener);
  }

  /**
   * Registers one tool under `name`, used as given, or updates it when its connector already owns it.
   *
   * @throws {ToolRegistryError} `invalid_name` when `name` is not a valid MCP tool name (see
   *   `toMcpToolName`), `invalid_connector_id`, `invalid_tool`, `name_collision` when another
   *   connector owns `name`, or `limit_exceeded` when the tool (or its connector's tool count) is over
   *   a limit: the host's own tools are rejected rather than cut.
   */
  registerTool(definition: ToolDefinition): RegisteredTool {
    const { name } = definition;
    if (typeof name !== 'string' || !isValidMcpToolName(name)) {
      throw new ToolRegistryError(
        'invalid_name',
        `Tool name ${JSON.stringify(name)} is not a valid MCP tool name (1-64 of A-Z a-z 0-9 _ - .); pass it through toMcpToolName() first.`,
      );
    }
    const connectorId = definition.metadata?.connectorId;
    assertConnectorId(connectorId);
    validateTool(definition, `Tool "${name}"`);
    const existing = this.#byName.get(name);
    if (existing !== undefined && existing.metadata.connectorId !== connectorId) {
      throw new ToolRegistryError(
        'name_collision',
        `Tool "${name}" is already registered by connector "${existing.metadata.connectorId}"; connector "${connectorId}" cannot take it. Unregister it first or choose another name.`,
      );
    }
    this.#assertWithinLimits(definition, connectorId, existing === undefined);
    const metadata = completeMetadata(definition.metadata, undefined, {
      connectorId,
      originalName: definition.metadata.originalName ?? name,
    });
    const entry = toEntry(
      { ...pickDescription(definition), name, handler: definition.handler, metadata },
      existing,
    );
    const current = this.getConnectorTools(connectorId);
    this.#commit(
      connectorId,
      existing === undefined
        ? [...current, entry]
        : current.map((tool) => (tool === existing ? entry : tool)),
    );
    return entry;
  }

  /** Removes one tool by public name. Returns false (and changes nothing) when there is none. */
  unregisterTool(name: string): boolean {
    const existing = this.#byName.get(name);
    if (existing === undefined) return false;
    const { connectorId } = existing.metadata;
    this.#commit(
      connectorId,
      this.getConnectorTools(connectorId).filter((tool) => tool !== existing),
    );
    return true;
  }

  /**
   * Swaps a connector's whole tool set for `tools` (named by their ORIGINAL upstream names) in one
   * step: one version bump and one event when anything visible changed, nothing at all otherwise.
   * Public names are `namespace.toolName`; collisions are resolved and reported, never silent (see
   * {@link ReplaceConnectorToolsResult.warnings}). Tools this connector registered with
   * `registerTool()` belong to its set and are replaced too.
   *
   * Entries are screened first (see `VersionedToolRegistryOptions`): past `maxToolsPerConnector`,
   * over-deep or oversized JSON members and, with `onInvalidTool: 'skip'`, malformed entries are left
   * out, and long descriptions are cut, each with a warning; the connector's other tools still register.
   *
   * @throws {ToolRegistryError} `invalid_connector_id`, `invalid_namespace`, or `invalid_tool` for a
   *   malformed entry (unless `onInvalidTool` is `'skip'`); nothing changes then.
   */
  replaceConnectorTools(
    connectorId: string,
    tools: readonly ConnectorToolDefinition[],
    options: ReplaceConnectorToolsOptions = {},
  ): ReplaceConnectorToolsResult {
    assertConnectorId(connectorId);
    if (!Array.isArray(tools)) {
      throw new ToolRegistryError('invalid_tool', `Tools of connector "${connectorId}" must be an array.`);
    }
    const namespace = sanitiseNamespace(this.#namespaceOf(connectorId, options.namespace));
    const intake = screenConnectorTools(
      { connectorId, namespace, limits: this.#limits, onInvalidTool: this.#onInvalidTool },
      tools,
    );
    const named = assignConnectorNames(
      connectorId,
      namespace,
      intake.tools,
      (name) => this.#byName.get(name)?.metadata.connectorId,
    );
    const { assigned } = named;
    const warnings = [...intake.warnings, ...named.warnings];
    for (const warning of warnings) this.#logger.warn(warning, warning.message);
    const next = assigned.map(({ tool, name }) => {
      const metadata = completeMetadata(tool.metadata, options.metadata, {
        connectorId,
        originalName: tool.name,
        namespace,
      });
      const previous = this.#byName.get(name);
      const owned = previous?.metadata.connectorId === connectorId ? previous : undefined;
      return toEntry({ ...pickDescription(tool), name, handler: tool.handler, metadata }, owned);
    });
    const { version, change } = this.#commit(connectorId, next);
    return Object.freeze({
      version,
      ...change,
      tools: Object.freeze(next.map((tool) => tool.name)),
      warnings: Object.freeze(warnings),
    });
  }

  /** Removes all of a connector's tools in one step (one version bump). Returns the removed names. */
  removeConnector(connectorId: string): readonly string[] {
    return this.#commit(connectorId, NO_TOOLS).change.removed;
  }

  /** Throws `limit_exceeded` when `definition` is over a limit or would take its connector past the cap. */
  #assertWithinLimits(definition: ToolDefinition, connectorId: string, adds: boolean): void {
    const { maxToolsPerConnector } = this.#limits;
    if (adds && this.getConnectorTools(connectorId).length >= maxToolsPerConnector) {
      throw new ToolRegistryError(
        'limit_exceeded',
        `Connector "${connectorId}" already has maxToolsPerConnector (${maxToolsPerConnector}) tools; tool "${definition.name}" was not registered. Unregister one or raise the limit.`,
      );
    }
    const outcome = applyToolLimits(definition, this.#limits);
    const finding = outcome.rejected ?? outcome.truncated[0];
    if (finding !== undefined) {
      throw new ToolRegistryError(
        'limit_exceeded',
        `Tool "${definition.name}": ${describeLimitFinding(finding)}; nothing was registered. Shrink it or raise the limit.`,
      );
    }
  }

  #namespaceOf(connectorId: string, explicit: string | undefined): string {
    const namespace = explicit ?? this.#namespaces.get(connectorId) ?? connectorId;
    if (typeof namespace !== 'string') {
      throw new ToolRegistryError(
        'invalid_namespace',
        `Namespace of connector "${connectorId}" is not a string; pass a string ('' for bare tool names).`,
      );
    }
    return namespace;
  }

  /** Installs `next` as the connector's whole set; the only place state changes. */
  #commit(
    connectorId: string,
    next: readonly RegisteredTool[],
  ): { version: number; change: ToolRegistryChange } {
    const previous = this.getConnectorTools(connectorId);
    if (sameEntries(previous, next)) return { version: this.#version, change: NO_CHANGE };
    const change = this.#diff(previous, next);
    for (const name of change.removed) this.#byName.delete(name);
    for (const tool of next) this.#byName.set(tool.name, tool);
    if (next.length === 0) this.#byConnector.delete(connectorId);
    else this.#byConnector.set(connectorId, Object.freeze([...next]));
    this.#snapshot = Object.freeze([...this.#byConnector.values()].flat());
    if (change.added.length + change.removed.length + change.changed.length === 0) {
      return { version: this.#version, change };
    }
    this.#version += 1;
    const version = this.#version;
    this.#emitter.emit(Object.freeze({ version, ...change }));
    return { version, change };
  }

  #diff(previous: readonly RegisteredTool[], next: readonly RegisteredTool[]): ToolRegistryChange {
    const nextNames = new Set(next.map((tool) => tool.name));
    const added: string[] = [];
    const changed: string[] = [];
    for (const tool of next) {
      const before = this.#byName.get(tool.name);
      if (before === undefined) added.push(tool.name);
      else if (before !== tool && !sameVisibleTool(before, tool)) changed.push(tool.name);
    }
    const removed = previous.filter((tool) => !nextNames.has(tool.name)).map((tool) => tool.name);
    return Object.freeze({
      added: Object.freeze(added),
      removed: Object.freeze(removed),
      changed: Object.freeze(changed),
    });
  }
}

function sameEntries(left: readonly RegisteredTool[], right: readonly RegisteredTool[]): boolean {
  return left.length === right.length && left.every((tool, index) => tool === right[index]);
}

function assertConnectorId(connectorId: unknown): asserts connectorId is string {
  if (typeof connectorId !== 'string' || connectorId === '') {
    throw new ToolRegistryError(
      'invalid_connector_id',
      `Connector id ${JSON.stringify(connectorId)} is not a non-empty string; set metadata.connectorId (or the connectorId argument) to the owning connector's id.`,
    );
  }
}
