import type { VersionedToolRegistry } from '@cortex-mcp/tool-registry';
import type { RegistryStatus } from './host-status.js';

/** The `registry` member of `/status`: the catalogue's version and item counts, read from the registry itself. */
export function registryStatus(
  registry: Pick<
    VersionedToolRegistry,
    'version' | 'listTools' | 'listResources' | 'listResourceTemplates' | 'listPrompts'
  >,
): RegistryStatus {
  return {
    version: registry.version,
    toolCount: registry.listTools().length,
    resourceCount: registry.listResources().length,
    resourceTemplateCount: registry.listResourceTemplates().length,
    promptCount: registry.listPrompts().length,
  };
}
