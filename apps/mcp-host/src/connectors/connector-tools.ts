import type {
  ConnectorToolDefinition,
  ToolCallContext,
  VersionedToolRegistry,
} from '@cortex-mcp/tool-registry';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ConnectorSpec } from './connector-spec.js';

/** Calls one of the connector's tools by its original (upstream) name. */
export type ConnectorToolCall = (
  originalName: string,
  args: Record<string, unknown>,
  context: ToolCallContext,
) => Promise<CallToolResult>;

/**
 * Replaces the connector's tools in the registry with `tools`, in one step: each carries the spec's metadata (scopes,
 * brand) and a handler that calls the upstream tool through `callTool`; the spec's namespace prefixes their names.
 * Throws what the registry throws for a malformed list.
 */
export function registerConnectorTools(
  registry: VersionedToolRegistry,
  spec: ConnectorSpec,
  tools: readonly Tool[],
  callTool: ConnectorToolCall,
): void {
  const metadata = { scopes: [...spec.scopes], tags: [], ...(spec.brand ? { brand: spec.brand } : {}) };
  const definitions = tools.map(
    (tool): ConnectorToolDefinition =>
      ({
        ...tool,
        handler: (args: Record<string, unknown>, context: ToolCallContext) =>
          callTool(tool.name, args, context),
        metadata,
      }) as ConnectorToolDefinition,
  );
  registry.replaceConnectorTools(
    spec.id,
    definitions,
    spec.namespace === undefined ? undefined : { namespace: spec.namespace },
  );
}
