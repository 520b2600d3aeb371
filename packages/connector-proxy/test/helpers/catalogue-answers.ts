import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type {
  CompleteRequest,
  GetPromptRequest,
  ReadResourceRequest,
  ServerNotification,
  ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * An error the SDK server answers with exactly this JSON-RPC `code`, `message` and `data` (an `McpError` would put
 * "MCP error <code>: " before the message on the wire).
 */
export function rpcError(code: number, message: string, data?: unknown): Error {
  return Object.assign(new Error(message), { code, data });
}

/** What reads of `fixture://slow` report. */
export interface SlowReadWatch {
  /** URIs of `fixture://slow` reads whose handler saw the abort (the client sent notifications/cancelled). */
  cancelled: string[];
  /** Resolved the next time a `fixture://slow` read starts. */
  slowReadStarted: Array<() => void>;
}

/** The answer to reading `fixture://text`: members MCP does not define, at every level, must reach the caller. */
export const TEXT_READ = {
  contents: [
    {
      uri: 'fixture://text',
      mimeType: 'text/plain',
      text: 'hello',
      _meta: { 'fixture/content': 1 },
      annotations: { audience: ['user'], priority: 0.5, 'x-fixture': 'kept' },
      'x-unknown-member': { kept: true },
    },
  ],
  _meta: { 'fixture/read': { nested: ['kept'] } },
  'x-result-extra': [1, 2],
};

/** The answer to reading `fixture://blob`. */
export const BLOB_READ = {
  contents: [{ uri: 'fixture://blob', mimeType: 'application/octet-stream', blob: 'AAEC/w==' }],
};

/** `resources/read`: text, blob, one that waits for cancellation, else -32002 (resource not found). */
export async function answerRead(request: ReadResourceRequest, extra: Extra, seen: SlowReadWatch) {
  const { uri } = request.params;
  if (uri === 'fixture://text') return TEXT_READ;
  if (uri === 'fixture://blob') return BLOB_READ;
  if (uri === 'fixture://slow') {
    for (const notify of seen.slowReadStarted.splice(0)) notify();
    await new Promise<void>((resolve) => {
      if (extra.signal.aborted) resolve();
      extra.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    seen.cancelled.push(uri);
    return { contents: [] };
  }
  throw rpcError(-32002, 'Resource not found', { uri });
}

/**
 * `prompts/get` of `greet` (argument `name`). With a progress token it first reports three steps, `stepMs` apart
 * (a string argument: prompt arguments are strings).
 */
export async function answerGetPrompt(request: GetPromptRequest, extra: Extra) {
  const { name, arguments: args = {} } = request.params;
  if (name !== 'greet') throw rpcError(-32602, `Unknown prompt: ${name}`);
  const progressToken = request.params._meta?.progressToken;
  for (let progress = 1; progressToken !== undefined && progress <= 3; progress++) {
    await new Promise((resolve) => setTimeout(resolve, Number(args.stepMs ?? 0)));
    await extra.sendNotification({
      method: 'notifications/progress',
      params: { progressToken, progress, total: 3 },
    });
  }
  return {
    description: 'A greeting',
    messages: [{ role: 'user', content: { type: 'text', text: `Hello, ${args.name}!` } }],
    _meta: { 'fixture/prompt': true },
  };
}

const NAMES = ['Ada', 'Alan', 'Grace'];
const ITEM_IDS = ['1', '2', '10'];

/** `completion/complete` for the `greet` prompt's `name` and the `fixture://items/{id}` template's `id`. */
export async function answerComplete(request: CompleteRequest) {
  const { ref, argument } = request.params;
  const candidates =
    ref.type === 'ref/prompt' && ref.name === 'greet' && argument.name === 'name'
      ? NAMES
      : ref.type === 'ref/resource' && ref.uri === 'fixture://items/{id}' && argument.name === 'id'
        ? ITEM_IDS
        : [];
  const values = candidates.filter((value) => value.startsWith(argument.value));
  return { completion: { values, total: values.length, hasMore: false } };
}
