/**
 * Stable codes of {@link ToolRegistryError}; branch on these, not on messages.
 *
 * - `name_collision`: `registerTool()` was given a name another connector already owns.
 * - `invalid_name`: `registerTool()` was given a name that is not a valid MCP tool name.
 * - `invalid_tool`: a tool definition is malformed (no handler, schema not an object of `type: 'object'`, ...).
 * - `invalid_item`: a resource, resource template or prompt is malformed (a `uri` without a scheme, no
 *   string `name`, ...), a kind of a catalogue is not an array, or the catalogue is not an object.
 * - `invalid_connector_id`: a connector id is not a non-empty string.
 * - `invalid_namespace`: a namespace (call option or constructor `namespaces`) is not a string.
 * - `limit_exceeded`: `registerTool()` was given a tool over one of the registry's limits (description
 *   size, schema depth or size, tools per connector).
 * - `invalid_options`: a constructor option is out of range (limits must be positive integers, `prefix` one
 *   of `'always'`, `'conditional'`, `'never'`).
 */
export type ToolRegistryErrorCode =
  | 'name_collision'
  | 'invalid_name'
  | 'invalid_tool'
  | 'invalid_item'
  | 'invalid_connector_id'
  | 'invalid_namespace'
  | 'limit_exceeded'
  | 'invalid_options';

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
