// A user's module against @cortex-mcp/tool-registry's published types; pack-check type-checks it in the scratch
// project under node16 (ESM and CJS) and bundler resolution. Never run: it only has to compile.
import {
  type ConnectorToolDefinition,
  type ReplaceConnectorToolsResult,
  type ToolRegistryChangeEvent,
  ToolRegistryError,
  toMcpToolName,
  toolDefinitionHash,
  VersionedToolRegistry,
} from '@cortex-mcp/tool-registry';

const tools: ConnectorToolDefinition[] = [
  {
    name: 'search',
    description: 'Search the index',
    inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    handler: async (args) => ({ echoed: args }),
  },
];

export const registry = new VersionedToolRegistry({
  namespaces: { search: 'search' },
  maxToolsPerConnector: 100,
});
export const versions: number[] = [];
export const unsubscribe: () => void = registry.onChange((event: ToolRegistryChangeEvent) => {
  versions.push(event.version);
});
export const replaced: ReplaceConnectorToolsResult = registry.replaceConnectorTools('search', tools);
export const hash: string = toolDefinitionHash({ name: 'search', inputSchema: {} });
export const mcpName: string = toMcpToolName('search tool');

export function isCollision(error: unknown): boolean {
  return error instanceof ToolRegistryError && error.code === 'name_collision';
}

export const stringSchema: ConnectorToolDefinition = {
  name: 'x',
  // @ts-expect-error an input schema must be an object schema; fails to compile if the types degrade to `any`.
  inputSchema: { type: 'string' },
  handler: async () => null,
};
