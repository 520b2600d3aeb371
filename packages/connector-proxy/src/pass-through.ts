import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ResultSchema } from '@modelcontextprotocol/sdk/types.js';

/**
 * Accepts any JSON-RPC result object and keeps every member as sent. The SDK's result schemas are zod objects that
 * strip members they do not know, nested ones included (an icon's or a content block's extra fields, `_meta` under
 * the task key); `ResultSchema` without its `_meta` shape is a loose object with no shape left to strip.
 */
const AnyResultSchema = ResultSchema.omit({ _meta: true });

/** An SDK result schema, used to check an answer, never to reshape it. */
export interface ResultCheck<T> {
  parse(value: unknown): T;
}

/**
 * Sends `request` and returns the upstream's result as it sent it. The result is still checked against `check`
 * (an SDK schema): an answer MCP does not allow throws its `ZodError`. Only members the schema defaults (e.g.
 * `CallToolResult.content: []`) are added when the upstream left them out.
 */
export async function requestPassThrough<T extends object>(
  client: Client,
  request: { method: string; params?: Record<string, unknown> },
  check: ResultCheck<T>,
  options: RequestOptions,
): Promise<T> {
  const raw = await client.request(request, AnyResultSchema, options);
  const checked = check.parse(raw);
  return { ...checked, ...raw } as T;
}
