import type {
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCResultResponse,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { HttpRefusal } from './http-request-checks.js';

/** Most messages one POST may carry; a longer batch is refused before any of it runs. */
export const MAX_BATCH_MESSAGES = 100;

/** A POST body sorted out: the messages to deliver and what the answer must look like. */
export interface JsonRpcBody {
  readonly messages: readonly JSONRPCMessage[];
  /** The body was an array (a JSON-RPC batch), so a JSON answer is an array too. */
  readonly batch: boolean;
  /** Ids of the requests among the messages: each needs an answer on this POST. */
  readonly requestIds: readonly RequestId[];
  /** One of the requests is `initialize`. */
  readonly initialize: boolean;
}

/**
 * Checks the shape of a parsed POST body: one JSON-RPC message, or a batch of 1–100. Only the envelope is checked
 * (`jsonrpc`, `id`, `method`, `result`/`error`); params are the SDK server's to validate against the method's
 * schema. A hand-written check rather than the SDK's zod schemas: it runs for every message.
 */
export function parseJsonRpcBody(body: unknown): JsonRpcBody | HttpRefusal {
  const batch = Array.isArray(body);
  const items: readonly unknown[] = batch ? body : [body];
  if (items.length === 0) return invalid('the batch is empty. Send at least one message.');
  if (items.length > MAX_BATCH_MESSAGES) {
    return invalid(`a batch may hold at most ${MAX_BATCH_MESSAGES} messages, this one has ${items.length}.`);
  }
  const requestIds: RequestId[] = [];
  let initialize = false;
  for (const item of items) {
    const kind = messageKind(item);
    if (kind === undefined) {
      return invalid(
        'the body is not a JSON-RPC 2.0 request, notification or response (check "jsonrpc", "id" and "method").',
      );
    }
    if (kind !== 'request') continue;
    const { id, method } = item as { id: RequestId; method: string };
    if (requestIds.includes(id)) return invalid(`the batch uses request id ${JSON.stringify(id)} twice.`);
    requestIds.push(id);
    if (method === 'initialize') initialize = true;
  }
  return { messages: items as JSONRPCMessage[], batch, requestIds, initialize };
}

/** Whether a message the server sends is an answer (result or error) to a client request. */
export function isAnswer(message: JSONRPCMessage): message is JSONRPCResultResponse | JSONRPCErrorResponse {
  return 'result' in message || 'error' in message;
}

type MessageKind = 'request' | 'notification' | 'response';

function messageKind(value: unknown): MessageKind | undefined {
  if (!isRecord(value) || value.jsonrpc !== '2.0') return undefined;
  if (typeof value.method === 'string') {
    if (value.params !== undefined && !isRecord(value.params)) return undefined;
    if (!('id' in value)) return 'notification';
    return isRequestId(value.id) ? 'request' : undefined;
  }
  if ('result' in value) return isRequestId(value.id) && isRecord(value.result) ? 'response' : undefined;
  if ('error' in value) {
    const { error } = value;
    const validId = value.id === undefined || isRequestId(value.id);
    return validId && isRecord(error) && Number.isInteger(error.code) && typeof error.message === 'string'
      ? 'response'
      : undefined;
  }
  return undefined;
}

function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || Number.isInteger(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(reason: string): HttpRefusal {
  return { status: 400, code: -32600, message: `Invalid Request: ${reason}` };
}
