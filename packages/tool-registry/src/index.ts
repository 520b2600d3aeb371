export type { CatalogueKind, NamePrefixMode } from './catalogue-kind.js';
export type {
  CatalogueChanges,
  CatalogueItemMetadata,
  ConnectorCatalogue,
  ConnectorCatalogueInput,
  ConnectorPromptDefinition,
  ConnectorResourceDefinition,
  ConnectorResourceTemplateDefinition,
  PromptArgument,
  PromptDescription,
  RegisteredPrompt,
  RegisteredResource,
  RegisteredResourceTemplate,
  ReplaceConnectorCatalogueOptions,
  ReplaceConnectorCatalogueResult,
  ResolvedResourceTemplate,
  ResolvedResourceUri,
  ResourceAnnotations,
  ResourceDescription,
  ResourceTemplateDescription,
} from './catalogue-types.js';
export type { ToolRegistryErrorCode } from './errors.js';
export { ToolRegistryError } from './errors.js';
export { pinningCanonicalJson } from './pinning-canonical-json.js';
export { DEFAULT_TOOL_LIMITS, MAX_SCHEMA_DEPTH_CEILING, type ToolLimits } from './tool-limits.js';
export { isValidMcpToolName, publicToolName, toMcpToolName } from './tool-name.js';
export {
  diffToolDefinitions,
  PINNED_TOOL_FIELDS,
  type PinnableToolDefinition,
  type PinnedToolField,
  toolDefinitionHash,
} from './tool-pinning.js';
export type {
  ConnectorToolDefinition,
  RegisteredTool,
  ReplaceConnectorToolsOptions,
  ReplaceConnectorToolsResult,
  ToolAnnotations,
  ToolCallContext,
  ToolCallLog,
  ToolCallRequest,
  ToolDefinition,
  ToolDescription,
  ToolHandler,
  ToolMetadata,
  ToolMetadataInput,
  ToolObjectSchema,
  ToolProgress,
  ToolRegistryChange,
  ToolRegistryChangeEvent,
  ToolRegistryListener,
  ToolRegistryLogger,
  VersionedToolRegistryOptions,
} from './types.js';
export { VersionedToolRegistry } from './versioned-tool-registry.js';
export type { ToolRegistryWarning, ToolRegistryWarningCode } from './warning-types.js';
