import { ToolRegistryError } from './errors.js';
import { completeMetadata, pickDescription, toEntry, validateTool } from './tool-entry.js';
import { applyToolLimits, describeLimitFinding, type ToolLimits } from './tool-limits.js';
import { isValidMcpToolName } from './tool-name.js';
import type { RegisteredTool, ToolDefinition } from './types.js';

/** What `registerTool()` reads from the registry to check a host tool. */
export interface HostToolContext {
  readonly limits: ToolLimits;
  readonly getTool: (name: string) => RegisteredTool | undefined;
  readonly connectorTools: (connectorId: string) => readonly RegisteredTool[];
}

/** A checked host tool: its frozen entry, and the tool it replaces (same connector, same name), if any. */
export interface HostTool {
  readonly connectorId: string;
  readonly entry: RegisteredTool;
  readonly existing: RegisteredTool | undefined;
}

/**
 * Checks one `registerTool()` definition and builds its entry. The host's own tools are held to the same
 * limits as upstream ones but rejected rather than cut, and their names are used as given.
 *
 * @throws {ToolRegistryError} `invalid_name`, `invalid_connector_id`, `invalid_tool`, `name_collision`
 *   when another connector owns the name, or `limit_exceeded`.
 */
export function prepareHostTool(definition: ToolDefinition, context: HostToolContext): HostTool {
  const { name } = definition;
  if (typeof name !== 'string' || !isValidMcpToolName(name)) {
    throw new ToolRegistryError(
      'invalid_name',
      `Tool name ${JSON.stringify(name)} is not a valid MCP tool name (1-64 of A-Z a-z 0-9 _ - .); pass it through toMcpToolName() first.`,
    );
  }
  const connectorId = definition.metadata?.connectorId;
  assertConnectorId(connectorId);
  validateTool(definition, `Tool "${name}"`);
  const existing = context.getTool(name);
  if (existing !== undefined && existing.metadata.connectorId !== connectorId) {
    throw new ToolRegistryError(
      'name_collision',
      `Tool "${name}" is already registered by connector "${existing.metadata.connectorId}"; connector "${connectorId}" cannot take it. Unregister it first or choose another name.`,
    );
  }
  assertWithinLimits(definition, connectorId, existing === undefined, context);
  const metadata = completeMetadata(definition.metadata, undefined, {
    connectorId,
    originalName: definition.metadata.originalName ?? name,
  });
  const entry = toEntry(
    { ...pickDescription(definition), name, handler: definition.handler, metadata },
    existing,
  );
  return { connectorId, entry, existing };
}

/** @throws {ToolRegistryError} `invalid_connector_id` unless `connectorId` is a non-empty string. */
export function assertConnectorId(connectorId: unknown): asserts connectorId is string {
  if (typeof connectorId !== 'string' || connectorId === '') {
    throw new ToolRegistryError(
      'invalid_connector_id',
      `Connector id ${JSON.stringify(connectorId)} is not a non-empty string; set metadata.connectorId (or the connectorId argument) to the owning connector's id.`,
    );
  }
}

/** Throws `limit_exceeded` when `definition` is over a limit or would take its connector past the cap. */
function assertWithinLimits(
  definition: ToolDefinition,
  connectorId: string,
  adds: boolean,
  context: HostToolContext,
): void {
  const { maxToolsPerConnector } = context.limits;
  if (adds && context.connectorTools(connectorId).length >= maxToolsPerConnector) {
    throw new ToolRegistryError(
      'limit_exceeded',
      `Connector "${connectorId}" already has maxToolsPerConnector (${maxToolsPerConnector}) tools; tool "${definition.name}" was not registered. Unregister one or raise the limit.`,
    );
  }
  const outcome = applyToolLimits(definition, context.limits);
  const finding = outcome.rejected ?? outcome.truncated[0];
  if (finding !== undefined) {
    throw new ToolRegistryError(
      'limit_exceeded',
      `Tool "${definition.name}": ${describeLimitFinding(finding)}; nothing was registered. Shrink it or raise the limit.`,
    );
  }
}
