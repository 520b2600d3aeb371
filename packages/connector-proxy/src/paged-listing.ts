import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ConnectorProxyError } from './errors.js';
import { type ResultCheck, requestPassThrough } from './pass-through.js';

/** Most pages of one list the proxy follows before it calls the upstream broken. */
export const MAX_LIST_PAGES = 1000;

/** One paginated MCP list method. */
export interface PagedList {
  /** The JSON-RPC method, e.g. `resources/list`. */
  method: string;
  /** The result member holding the page's items, e.g. `resources`. */
  key: string;
  /** What one item is, for messages: `tool`, `resource template`, .... */
  noun: string;
  /** The SDK's result schema, to check each page with. */
  check: ResultCheck<object>;
}

/**
 * Lists every item of `list`, following `nextCursor` page by page. Items are returned as the upstream sent them.
 * Each page is bounded by `timeoutMs`.
 *
 * Uses `client.request` rather than `client.listTools`: the latter re-caches output-schema validators per page
 * (so only the last page's would survive), and the proxy passes results through unvalidated anyway.
 *
 * @throws {ConnectorProxyError} `protocol` when the upstream repeats a cursor or exceeds `maxPages`.
 */
export async function listAllPages<T>(
  client: Client,
  list: PagedList,
  connectorId: string,
  timeoutMs: number,
  maxPages = MAX_LIST_PAGES,
): Promise<T[]> {
  const items: T[] = [];
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const result = (await requestPassThrough(
      client,
      { method: list.method, params: cursor === undefined ? {} : { cursor } },
      list.check,
      { timeout: timeoutMs },
    )) as Record<string, unknown>;
    items.push(...(result[list.key] as T[]));
    cursor = result.nextCursor as string | undefined;
    if (cursor === undefined) return items;
    if (seenCursors.has(cursor)) {
      throw brokenPagination(
        connectorId,
        list.noun,
        `the upstream repeated a ${list.method} cursor after ${page + 1} pages`,
      );
    }
    seenCursors.add(cursor);
  }
  throw brokenPagination(connectorId, list.noun, `${list.method} did not end within ${maxPages} pages`);
}

function brokenPagination(connectorId: string, noun: string, problem: string): ConnectorProxyError {
  return new ConnectorProxyError(
    'protocol',
    connectorId,
    `Connector "${connectorId}" returned a broken ${noun} list: ${problem}. Report this to the upstream server's maintainers.`,
  );
}

/** True when two lists differ in any way a downstream client could see (an unknown previous list differs). */
export function listsDiffer(previous: readonly unknown[] | undefined, next: readonly unknown[]): boolean {
  return previous === undefined || JSON.stringify(previous) !== JSON.stringify(next);
}
