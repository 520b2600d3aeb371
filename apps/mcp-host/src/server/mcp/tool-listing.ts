import type { RegisteredTool } from '@cortex-mcp/tool-registry';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

// The registry hands out the same frozen array until its next change, so one conversion per version is enough,
// however many sessions list tools.
const listings = new WeakMap<readonly RegisteredTool[], Tool[]>();
const listingsWithTasks = new WeakMap<readonly RegisteredTool[], Tool[]>();

/**
 * The `tools/list` view of a registry snapshot: each tool's client-visible members, without its handler and
 * routing metadata. `execution` (an upstream's task support) is kept only for a session offered tasks, and only when
 * it allows tasks: to any other session it would promise task-augmented calls it cannot make.
 */
export function listedTools(snapshot: readonly RegisteredTool[], withTasks = false): Tool[] {
  const cache = withTasks ? listingsWithTasks : listings;
  let listing = cache.get(snapshot);
  if (!listing) {
    listing = snapshot.map((tool) => listedTool(tool, withTasks));
    cache.set(snapshot, listing);
  }
  return listing;
}

/** One registered tool as clients see it. Schemas pass through untouched (no re-validation, no conversion). */
export function toListedTool(tool: RegisteredTool): Tool {
  return listedTool(tool, false);
}

function listedTool(tool: RegisteredTool, withTasks: boolean): Tool {
  const listed: Record<string, unknown> = { name: tool.name };
  if (tool.title !== undefined) listed.title = tool.title;
  if (tool.description !== undefined) listed.description = tool.description;
  listed.inputSchema = tool.inputSchema;
  if (tool.outputSchema !== undefined) listed.outputSchema = tool.outputSchema;
  if (tool.annotations !== undefined) listed.annotations = tool.annotations;
  if (tool.icons !== undefined) listed.icons = tool.icons;
  if (tool._meta !== undefined) listed._meta = tool._meta;
  // `forbidden` is what no `execution` means: left out, a list reads the same whether tasks are offered or not.
  const taskSupport = (tool.execution as { taskSupport?: unknown } | undefined)?.taskSupport;
  if (withTasks && taskSupport !== undefined && taskSupport !== 'forbidden')
    listed.execution = tool.execution;
  return listed as Tool;
}
