import type { JSONRPCMessage, MessageExtraInfo, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { notMcpError } from './http-errors.js';

/*
 * Cheap structural checks on JSON-RPC messages. The transport only needs to know a message's kind and id; the
 * SDK's Protocol validates and classifies every delivered message itself, so a zod pass here would be paid twice
 * on every call.
 */

type Loose = Record<string, unknown>;

/** What a transport may tell about a delivered message: the request whose response stream carried it. */
export interface RelatedMessageExtra extends MessageExtraInfo {
  relatedRequestId?: RequestId;
}

/** True for a notification: a `method` and no `id`. */
export function isNotification(message: unknown): boolean {
  return typeof (message as Loose).method === 'string' && (message as Loose).id === undefined;
}

/** The ids of the requests in an outgoing message or batch (empty for notifications and responses). */
export function requestIdsOf(message: JSONRPCMessage | JSONRPCMessage[]): RequestId[] {
  const messages: unknown[] = Array.isArray(message) ? message : [message];
  const ids: RequestId[] = [];
  for (const item of messages) {
    const { method, id } = item as Loose;
    if (typeof method === 'string' && (typeof id === 'string' || typeof id === 'number')) ids.push(id);
  }
  return ids;
}

/** The id a response (result or error) answers, or undefined for anything else. */
export function responseIdOf(message: JSONRPCMessage): RequestId | undefined {
  const { method, id } = message as Loose;
  if (method !== undefined) return undefined;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** The request a `notifications/cancelled` cancels, or undefined for any other message. */
export function cancelledRequestIdOf(message: JSONRPCMessage | JSONRPCMessage[]): RequestId | undefined {
  if (Array.isArray(message) || (message as Loose).method !== 'notifications/cancelled') return undefined;
  const requestId = ((message as Loose).params as Loose | undefined)?.requestId;
  return typeof requestId === 'string' || typeof requestId === 'number' ? requestId : undefined;
}

/** True for `notifications/initialized` (alone, or in a batch). */
export function includesInitialized(message: JSONRPCMessage | JSONRPCMessage[]): boolean {
  const messages: unknown[] = Array.isArray(message) ? message : [message];
  return messages.some((item) => (item as Loose).method === 'notifications/initialized');
}

/**
 * Parses a JSON body or an SSE `data` field into messages: one message, or a batch (an array).
 *
 * @throws {StreamableHTTPError} code -1 when the text is not JSON or an element is not a JSON-RPC 2.0 message.
 */
export function parseJsonRpcPayload(text: string): JSONRPCMessage[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw notMcpError(`expected JSON-RPC, got ${JSON.stringify(text.slice(0, 80))}`);
  }
  const messages: unknown[] = Array.isArray(value) ? value : [value];
  for (const message of messages) {
    if (typeof message !== 'object' || message === null || (message as Loose).jsonrpc !== '2.0') {
      throw notMcpError(`expected a JSON-RPC 2.0 message, got ${JSON.stringify(message)?.slice(0, 80)}`);
    }
  }
  return messages as JSONRPCMessage[];
}
