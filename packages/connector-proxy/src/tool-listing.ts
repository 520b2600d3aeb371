import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ListToolsResultSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { ConnectorProxyError } from './errors.js';

/** Most `tools/list` pages the proxy follows before it calls the upstream broken. */
export const MAX_TOOL_PAGES = 1000;

/**
 * Lists every tool, following `nextCursor` page by page.
 *
 * Uses `client.request` rather than `client.listTools`: the latter re-caches output-schema validators per page
 * (so only the last page's would survive), and the proxy passes results through unvalidated anyway.
 *
 * @throws {ConnectorProxyError} `protocol` when the upstream repeats a cursor or exceeds {@link MAX_TOOL_PAGES}.
 */
export async function listAllTools(
  client: Client,
  connectorId: string,
  timeoutMs: number,
  maxPages = MAX_TOOL_PAGES,
): Promise<Tool[]> {
  const tools: Tool[] = [];
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = await client.request(
      { method: 'tools/list', params: cursor === undefined ? {} : { cursor } },
      ListToolsResultSchema,
      { timeout: timeoutMs },
    );
    tools.push(...result.tools);
    cursor = result.nextCursor;
    if (cursor === undefined) return tools;
    if (seenCursors.has(cursor)) {
      throw brokenPagination(
        connectorId,
        `the upstream repeated a tools/list cursor after ${page + 1} pages`,
      );
    }
    seenCursors.add(cursor);
  }
  throw brokenPagination(connectorId, `tools/list did not end within ${maxPages} pages`);
}

function brokenPagination(connectorId: string, problem: string): ConnectorProxyError {
  return new ConnectorProxyError(
    'protocol',
    connectorId,
    `Connector "${connectorId}" returned a broken tool list: ${problem}. Report this to the upstream server's maintainers.`,
  );
}

/** True when two tool lists differ in any way a downstream client could see. */
export function toolsDiffer(previous: readonly Tool[] | undefined, next: readonly Tool[]): boolean {
  return previous === undefined || JSON.stringify(previous) !== JSON.stringify(next);
}
