export type { ToolRegistryErrorCode } from './errors.js';
export { ToolRegistryError } from './errors.js';
export {
  isValidMcpToolName,
  MCP_NAMESPACE_MAX_LENGTH,
  MCP_TOOL_NAME_MAX_LENGTH,
  publicToolName,
  toMcpToolName,
} from './tool-name.js';
export type {
  ConnectorToolDefinition,
  RegisteredTool,
  ReplaceConnectorToolsOptions,
  ReplaceConnectorToolsResult,
  ToolAnnotations,
  ToolCallContext,
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
  ToolRegistryWarning,
  ToolRegistryWarningCode,
  VersionedToolRegistryOptions,
} from './types.js';
export { VersionedToolRegistry } from './versioned-tool-registry.js';
