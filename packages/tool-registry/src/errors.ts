/**
 * Stable codes of {@link ToolRegistryError}; branch on these, not on messages.
 *
 * - `name_collision`: `registerTool()` was given a name another connector already owns.
 * - `invalid_name`: `registerTool()` was given a name that is not a valid MCP tool name.
 * - `invalid_tool`: a tool definition is malformed (no handler, schema not an object of `type: 'object'`, ...).
 * - `invalid_connector_id`: a connector id is not a non-empty string.
 * - `invalid_namespace`: a namespace (call option or constructor `namespaces`) is not a string.
 */
export type ToolRegistryErrorCode =
  | 'name_collision'
  | 'invalid_name'
  | 'invalid_tool'
  | 'invalid_connector_id'
  | 'invalid_namespace';

/** The one error class this package throws. The registry is unchanged whenever it is thrown. */
export class ToolRegistryError extends Error {
  /** Machine-readable reason; see {@link ToolRegistryErrorCode}. */
  readonly code: ToolRegistryErrorCode;

  constructor(code: ToolRegistryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ToolRegistryError';
    this.code = code;
  }
}
