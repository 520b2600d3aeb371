import { connectorNamespace, screenCatalogue } from './catalogue-intake.js';
import { CatalogueState, EVERY_KIND_EMPTY, type Mutation } from './catalogue-state.js';
import type {
  ConnectorCatalogue,
  ConnectorCatalogueInput,
  RegisteredPrompt,
  RegisteredResource,
  RegisteredResourceTemplate,
  ReplaceConnectorCatalogueResult,
  ResolvedResourceTemplate,
  ResolvedResourceUri,
} from './catalogue-types.js';
import { ChangeEmitter } from './change-emitter.js';
import { resolveOnInvalidTool } from './connector-intake.js';
import { assertConnectorId, prepareHostTool } from './host-tool.js';
import type { KindClaims } from './kind-naming.js';
import { resolvePrefixMode } from './prefix-modes.js';
import { withoutTool, withRegisteredTool } from './tool-claims.js';
import { resolveToolLimits, type ToolLimits } from './tool-limits.js';
import type {
  ConnectorToolDefinition,
  RegisteredTool,
  ReplaceConnectorToolsOptions,
  ReplaceConnectorToolsResult,
  ToolDefinition,
  ToolRegistryListener,
  ToolRegistryLogger,
  VersionedToolRegistryOptions,
} from './types.js';
import { publicResourceUri, resolveResourceTemplate, resolveResourceUri } from './uri-resolution.js';

const consoleLogger: ToolRegistryLogger = {
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};

/**
 * Everything the host serves (tools, resources, resource templates, prompts), grouped by the connector that
 * owns it.
 *
 * Each mutation builds the complete next state and swaps it in one synchronous step, so no reader (even
 * one that awaits while iterating a snapshot) can see a connector's set half old and half new. `version`
 * moves by exactly one per effective change, with one event; handler-only and order-only changes swap in
 * silently without a bump, because clients cannot see them.
 */
export class VersionedToolRegistry {
  #version = 0;
  readonly #state: CatalogueState;
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
    this.#state = new CatalogueState(resolvePrefixMode(options.prefix));
  }

  /** Starts at 0; increases by one on every change clients can see. */
  get version(): number {
    return this.#version;
  }

  /**
   * All tools, grouped by connector (connectors in the order they first registered). Frozen, and the
   * same array object until the tools change, so it is cheap to call on every `tools/list`.
   */
  listTools(): readonly RegisteredTool[] {
    return this.#state.kinds.tools.list() as readonly RegisteredTool[];
  }

  /** All resources, like {@link listTools}: the same frozen array until the resources change. */
  listResources(): readonly RegisteredResource[] {
    return this.#state.kinds.resources.list() as readonly RegisteredResource[];
  }

  /** All resource templates: the same frozen array until the templates change. */
  listResourceTemplates(): readonly RegisteredResourceTemplate[] {
    return this.#state.kinds.resourceTemplates.list() as readonly RegisteredResourceTemplate[];
  }

  /** All prompts: the same frozen array until the prompts change. */
  listPrompts(): readonly RegisteredPrompt[] {
    return this.#state.kinds.prompts.list() as readonly RegisteredPrompt[];
  }

  /** The tool with this public name, in O(1). */
  getTool(name: string): RegisteredTool | undefined {
    return this.#state.kinds.tools.get(name) as RegisteredTool | undefined;
  }

  /** The prompt with this public name, in O(1); send `prompts/get` upstream with `metadata.originalName`. */
  getPrompt(publicName: string): RegisteredPrompt | undefined {
    return this.#state.kinds.prompts.get(publicName) as RegisteredPrompt | undefined;
  }

  /** One connector's tools (frozen; empty when it has none). */
  getConnectorTools(connectorId: string): readonly RegisteredTool[] {
    return this.#state.kinds.tools.connector(connectorId) as readonly RegisteredTool[];
  }

  /** Everything one connector serves now (frozen arrays, empty when none). */
  getConnectorCatalogue(connectorId: string): ConnectorCatalogue {
    const { kinds } = this.#state;
    return Object.freeze({
      tools: this.getConnectorTools(connectorId),
      resources: kinds.resources.connector(connectorId) as readonly RegisteredResource[],
      resourceTemplates: kinds.resourceTemplates.connector(
        connectorId,
      ) as readonly RegisteredResourceTemplate[],
      prompts: kinds.prompts.connector(connectorId) as readonly RegisteredPrompt[],
    });
  }

  /**
   * The connector and upstream URI a public resource URI reads from, or undefined (answer "resource not
   * found"): a listed URI, a prefixed form of a current connector, or (outside `always` mode) a bare URI
   * exactly one connector lists, has a template for, or uses the scheme of. Never guesses between two.
   */
  resolveResourceUri(publicUri: string): ResolvedResourceUri | undefined {
    return resolveResourceUri(this.#state, publicUri);
  }

  /** The connector and upstream template of a public template (listed, or in prefixed form). */
  resolveResourceTemplate(publicUriTemplate: string): ResolvedResourceTemplate | undefined {
    return resolveResourceTemplate(this.#state, publicUriTemplate);
  }

  /**
   * The URI to hand out for a URI from this connector (in tool results, prompt messages, notifications):
   * `resolveResourceUri()` reads it back to the same connector and URI whenever the connector lists
   * something and the URI can be told apart.
   */
  publicResourceUri(connectorId: string, upstreamUri: string): string {
    return publicResourceUri(this.#state, connectorId, upstreamUri);
  }

  /** The URI scheme prefix a connector's URIs get (`notes` in `notes+file:///a.txt`); undefined for none. */
  uriPrefixOf(connectorId: string): string | undefined {
    return this.#state.record(connectorId)?.prefix;
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
    const { connectorId, entry, existing } = prepareHostTool(definition, {
      limits: this.#limits,
      getTool: (name) => this.getTool(name),
      connectorTools: (id) => this.getConnectorTools(id),
    });
    const current = this.getConnectorTools(connectorId);
    const list = this.#toolClaims(connectorId);
    this.#commit({
      connectorId,
      lists: { tools: { ...list, claims: withRegisteredTool(list.claims, existing, entry) } },
      tools:
        existing === undefined
          ? [...current, entry]
          : current.map((tool) => (tool === existing ? entry : tool)),
    });
    return entry;
  }

  /** Removes one tool by public name. Returns false (and changes nothing) when there is none. */
  unregisterTool(name: string): boolean {
    const existing = this.getTool(name);
    if (existing === undefined) return false;
    const { connectorId } = existing.metadata;
    const list = this.#toolClaims(connectorId);
    this.#commit({
      connectorId,
      lists: { tools: { ...list, claims: withoutTool(list.claims, existing) } },
      tools: this.getConnectorTools(connectorId).filter((tool) => tool !== existing),
    });
    return true;
  }

  /**
   * Swaps a connector's whole tool set for `tools` (named by their ORIGINAL upstream names) in one step:
   * `replaceConnectorCatalogue(connectorId, { tools }, options)`, with the tools change as the result.
   * Tools this connector registered with `registerTool()` belong to its set and are replaced too.
   *
   * @throws {ToolRegistryError} `invalid_connector_id`, `invalid_namespace`, or `invalid_tool` for a
   *   malformed entry (unless `onInvalidTool` is `'skip'`); nothing changes then.
   */
  replaceConnectorTools(
    connectorId: string,
    tools: readonly ConnectorToolDefinition[],
    options: ReplaceConnectorToolsOptions = {},
  ): ReplaceConnectorToolsResult {
    const result = this.replaceConnectorCatalogue(connectorId, { tools }, options);
    return Object.freeze({
      version: result.version,
      ...result.changes.tools,
      tools: Object.freeze(this.getConnectorTools(connectorId).map((tool) => tool.name)),
      warnings: result.warnings,
    });
  }

  /**
   * Swaps the kinds given in `catalogue` (each named by its ORIGINAL upstream names and URIs) for a
   * connector in one step: one version bump and one event when anything visible changed, nothing
   * otherwise. A kind left out keeps what the connector has; a kind given (even `[]`) replaces it. Public
   * names and URIs follow the `prefix` mode (docs/naming.md); collisions are resolved and reported, never
   * silent. Entries are screened first: past the per-kind limits, over-long URIs, over-deep or oversized
   * JSON members and, with `onInvalidTool: 'skip'`, malformed entries are left out, and long text is cut,
   * each with a warning; the connector's other items still register.
   *
   * @throws {ToolRegistryError} `invalid_connector_id`, `invalid_namespace`, or `invalid_tool` /
   *   `invalid_item` for a malformed entry or a kind that is not an array (unless `onInvalidTool` is
   *   `'skip'`, which leaves single entries out); nothing changes then.
   */
  replaceConnectorCatalogue(
    connectorId: string,
    catalogue: ConnectorCatalogueInput,
    options: ReplaceConnectorToolsOptions = {},
  ): ReplaceConnectorCatalogueResult {
    assertConnectorId(connectorId);
    const namespace = connectorNamespace(connectorId, options.namespace, this.#namespaces);
    const intake = screenCatalogue(
      {
        connectorId,
        namespace,
        mode: this.#state.mode,
        limits: this.#limits,
        onInvalidTool: this.#onInvalidTool,
      },
      catalogue,
      options.metadata,
    );
    const { version, outcome } = this.#commit(
      { connectorId, namespace, lists: intake.lists },
      intake.warnings,
    );
    return Object.freeze({
      version,
      kinds: outcome.kinds,
      changes: outcome.changes,
      warnings: Object.freeze([...intake.warnings, ...outcome.warnings]),
    });
  }

  /** Removes everything a connector serves in one step (one version bump). Returns its removed tool names. */
  removeConnector(connectorId: string): readonly string[] {
    const removed = this.getConnectorTools(connectorId).map((tool) => tool.name);
    this.#commit({ connectorId, lists: EVERY_KIND_EMPTY });
    return Object.freeze(removed);
  }

  #toolClaims(connectorId: string): KindClaims {
    return this.#state.record(connectorId)?.lists.tools ?? { claims: [], defaults: undefined };
  }

  /** Applies one mutation, logs what was resolved, and bumps the version (one event) if clients see it. */
  #commit(mutation: Mutation, intakeWarnings: readonly object[] = []) {
    const outcome = this.#state.apply(mutation);
    for (const warning of [...intakeWarnings, ...outcome.warnings] as { message: string }[]) {
      this.#logger.warn(warning, warning.message);
    }
    if (outcome.kinds.length === 0) return { version: this.#version, outcome };
    this.#version += 1;
    const version = this.#version;
    const { changes, kinds } = outcome;
    this.#emitter.emit(Object.freeze({ version, ...changes.tools, kinds, changes }));
    return { version, outcome };
  }
}
