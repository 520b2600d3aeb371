import type { CatalogueKind } from './catalogue-kind.js';
import type {
  ConnectorToolDefinition,
  RegisteredTool,
  ReplaceConnectorToolsOptions,
  ToolMetadataInput,
  ToolRegistryChange,
} from './types.js';
import type { ToolRegistryWarning } from './warning-types.js';

/** MCP `Annotations` on resources and templates (audience, priority, lastModified); unknown members are kept. */
export interface ResourceAnnotations {
  readonly audience?: readonly string[];
  readonly priority?: number;
  readonly lastModified?: string;
  readonly [key: string]: unknown;
}

/** One argument a prompt takes (MCP `PromptArgument`). */
export interface PromptArgument {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly required?: boolean;
}

/** The client-visible members of an MCP resource besides `uri`. */
export interface ResourceDescription {
  /** The upstream display name, published unchanged (it is not an identifier). */
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly mimeType?: string;
  /** Size of the raw content in bytes, when the upstream knows it. */
  readonly size?: number;
  readonly annotations?: ResourceAnnotations;
  readonly icons?: readonly unknown[];
  readonly _meta?: Readonly<Record<string, unknown>>;
}

/** The client-visible members of an MCP resource template besides `uriTemplate`. */
export type ResourceTemplateDescription = Omit<ResourceDescription, 'size'>;

/** The client-visible members of an MCP prompt besides `name`. */
export interface PromptDescription {
  readonly title?: string;
  readonly description?: string;
  readonly arguments?: readonly PromptArgument[];
  readonly icons?: readonly unknown[];
  readonly _meta?: Readonly<Record<string, unknown>>;
}

/** One upstream resource as given to `replaceConnectorCatalogue()`: `uri` is the upstream URI (with a scheme). */
export interface ConnectorResourceDefinition extends ResourceDescription {
  readonly uri: string;
  /** Merged over the call's `metadata`; `connectorId`, `originalUri` and `namespace` are set by the registry. */
  readonly metadata?: Partial<ToolMetadataInput>;
}

/** One upstream resource template (RFC 6570, starting with a literal scheme, e.g. `file:///{path}`). */
export interface ConnectorResourceTemplateDefinition extends ResourceTemplateDescription {
  readonly uriTemplate: string;
  readonly metadata?: Partial<ToolMetadataInput>;
}

/** One upstream prompt: `name` is the upstream name; the registry computes the public one. */
export interface ConnectorPromptDefinition extends PromptDescription {
  readonly name: string;
  readonly metadata?: Partial<ToolMetadataInput>;
}

/** The routing and policy data kept with every resource, template and prompt. */
export interface CatalogueItemMetadata {
  /** The connector that serves the item; route reads, completions and `prompts/get` to it. */
  readonly connectorId: string;
  readonly scopes: readonly string[];
  readonly tags: readonly string[];
  /** The connector's effective (sanitised) namespace, whether or not this item is prefixed. */
  readonly namespace?: string;
  readonly brand?: string;
  readonly [key: string]: unknown;
}

/** A resource as the registry serves it (frozen). */
export interface RegisteredResource extends ResourceDescription {
  /** The public URI clients read; map it back with `resolveResourceUri()`. */
  readonly uri: string;
  readonly metadata: CatalogueItemMetadata & { readonly originalUri: string };
}

/** A resource template as the registry serves it (frozen). */
export interface RegisteredResourceTemplate extends ResourceTemplateDescription {
  /** The public template; URIs expanded from it read back through `resolveResourceUri()`. */
  readonly uriTemplate: string;
  readonly metadata: CatalogueItemMetadata & { readonly originalUriTemplate: string };
}

/** A prompt as the registry serves it (frozen). */
export interface RegisteredPrompt extends PromptDescription {
  /** The public name clients get; send `prompts/get` upstream with `metadata.originalName`. */
  readonly name: string;
  readonly metadata: CatalogueItemMetadata & { readonly originalName: string };
}

/**
 * What a connector serves, as given to `replaceConnectorCatalogue()`. A kind left out keeps what the
 * connector has now; a kind given (even `[]`) replaces it.
 */
export interface ConnectorCatalogueInput {
  readonly tools?: readonly ConnectorToolDefinition[];
  readonly resources?: readonly ConnectorResourceDefinition[];
  readonly resourceTemplates?: readonly ConnectorResourceTemplateDefinition[];
  readonly prompts?: readonly ConnectorPromptDefinition[];
}

/** Everything one connector serves now (frozen arrays, empty when none). */
export interface ConnectorCatalogue {
  readonly tools: readonly RegisteredTool[];
  readonly resources: readonly RegisteredResource[];
  readonly resourceTemplates: readonly RegisteredResourceTemplate[];
  readonly prompts: readonly RegisteredPrompt[];
}

/** Options of `replaceConnectorCatalogue()`: the same as `replaceConnectorTools()`'s, for every kind given. */
export type ReplaceConnectorCatalogueOptions = ReplaceConnectorToolsOptions;

/** Public names (tools, prompts) or URIs (resources, templates) touched per kind; empty arrays when none. */
export type CatalogueChanges = Readonly<Record<CatalogueKind, ToolRegistryChange>>;

/** What `replaceConnectorCatalogue()` did. A no-op has no `kinds` and the version is unchanged. */
export interface ReplaceConnectorCatalogueResult {
  /** Registry version after the call. */
  readonly version: number;
  /** Kinds whose visible items changed, for any connector (a `conditional` switch can rename others). */
  readonly kinds: readonly CatalogueKind[];
  readonly changes: CatalogueChanges;
  /** What was left out, cut or renamed on the way, each naming its connector and kind. */
  readonly warnings: readonly ToolRegistryWarning[];
}

/** Where a public resource URI is served: the connector and the URI to read upstream. */
export interface ResolvedResourceUri {
  readonly connectorId: string;
  readonly uri: string;
}

/** Where a public resource template is served: the connector and its upstream template. */
export interface ResolvedResourceTemplate {
  readonly connectorId: string;
  readonly uriTemplate: string;
}
