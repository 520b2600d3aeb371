import {
  type CallToolResult,
  CallToolResultSchema,
  type CompleteRequest,
  type CompleteResult,
  CompleteResultSchema,
  type GetPromptResult,
  GetPromptResultSchema,
  type ReadResourceResult,
  ReadResourceResultSchema,
  ResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { ForwardedRequest } from './request-forwarding.js';

// The MCP requests the proxy forwards: each one's method, params, the SDK schema its answer must satisfy, and the
// capability the upstream must advertise for it. `tools/call` needs none, as before capabilities were checked.

/** `tools/call`. */
export function callToolRequest(
  name: string,
  args: Record<string, unknown>,
): ForwardedRequest<CallToolResult> {
  const params = { name, arguments: args };
  return { method: 'tools/call', params, check: CallToolResultSchema, what: `tools/call "${name}"` };
}

/** `resources/read`; needs the `resources` capability. */
export function readResourceRequest(uri: string): ForwardedRequest<ReadResourceResult> {
  const what = `resources/read "${uri}"`;
  return {
    method: 'resources/read',
    params: { uri },
    check: ReadResourceResultSchema,
    what,
    needs: 'resources',
  };
}

/** `prompts/get`; needs the `prompts` capability. */
export function getPromptRequest(
  name: string,
  args: Record<string, string> | undefined,
): ForwardedRequest<GetPromptResult> {
  const params = args === undefined ? { name } : { name, arguments: args };
  const what = `prompts/get "${name}"`;
  return { method: 'prompts/get', params, check: GetPromptResultSchema, what, needs: 'prompts' };
}

/** `completion/complete`; needs the `completions` capability. */
export function completeRequest(params: CompleteRequest['params']): ForwardedRequest<CompleteResult> {
  const what = 'completion/complete';
  return { method: 'completion/complete', params, check: CompleteResultSchema, what, needs: 'completions' };
}

/** `resources/subscribe` or `resources/unsubscribe`; needs `resources.subscribe`. */
export function subscriptionRequest(
  method: 'resources/subscribe' | 'resources/unsubscribe',
  uri: string,
): ForwardedRequest<object> {
  const what = `${method} "${uri}"`;
  return { method, params: { uri }, check: ResultSchema, what, needs: 'resource subscriptions' };
}
