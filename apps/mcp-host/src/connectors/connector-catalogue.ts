import type {
  ConnectorToolDefinition,
  ToolCallContext,
  VersionedToolRegistry,
} from '@cortex-mcp/tool-registry';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ConnectorSpec } from './connector-spec.js';
import type { ServedCatalogue } from './served-catalogue.js';

/** Calls one of the connector's tools by its original (upstream) name. */
export type ConnectorToolCall = (
  originalName: string,
  args: Record<string, unknown>,
  context: ToolCallContext,
) => Promise<CallToolResult>;

/**
 * Replaces everything the connector serves in the registry with `catalogue`, in one step (one version): every item
 * carries the spec's metadata (scopes, brand), each tool a handler that calls the upstream tool through `callTool`;
 * the spec's namespace names them. Throws what the registry throws for a malformed list.
 */
export function registerConnectorCatalogue(
  registry: VersionedToolRegistry,
  spec: ConnectorSpec,
  catalogue: ServedCatalogue,
  callTool: ConnectorToolCall,
): void {
  const tools = catalogue.tools.map(
    (tool): ConnectorToolDefinition =>
      ({
        ...tool,
        handler: (args: Record<string, unknown>, context: ToolCallContext) =>
          callTool(tool.name, args, context),
      }) as ConnectorToolDefinition,
  );
  const metadata = { scopes: [...spec.scopes], tags: [], ...(spec.brand ? { brand: spec.brand } : {}) };
  registry.replaceConnectorCatalogue(
    spec.id,
    {
      tools,
      resources: catalogue.resources,
      resourceTemplates: catalogue.resourceTemplates,
      prompts: catalogue.prompts,
    },
    spec.namespace === undefined ? { metadata } : { namespace: spec.namespace, metadata },
  );
}
