import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Answers with a JSON body; ops and error answers are never cached. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  response
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(text),
      ...headers,
    })
    .end(text);
}

/** A JSON-RPC error with no request id, the shape MCP transports use for HTTP-level refusals. */
export function sendJsonRpcError(
  response: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: OutgoingHttpHeaders = {},
): void {
  sendJson(response, status, { jsonrpc: '2.0', error: { code, message }, id: null }, headers);
}

/** The outcome of {@link readJsonBody}: the parsed value, or the HTTP refusal to send. */
export type JsonBody =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly status: 400 | 413; readonly code: number; readonly message: string };

/**
 * Reads and parses a JSON request body of at most `maxBytes`. A declared or actual size over the limit stops the
 * read at once; the caller answers 413 and the connection is closed (the rest of the body is never read). A body
 * that breaks off (the client went away) is a 400 nobody will read.
 *
 * Plain `data`/`end` listeners rather than `for await`: this runs once per MCP message, and the async iterator
 * costs a promise per chunk.
 */
export function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<JsonBody> {
  if (Number(request.headers['content-length']) > maxBytes) return Promise.resolve(tooLarge(maxBytes));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    const finish = (outcome: JsonBody): void => {
      if (done) return;
      done = true;
      resolve(outcome);
    };
    request.on('data', (chunk: Buffer) => {
      if (done) return;
      received += chunk.length;
      if (received > maxBytes) {
        request.pause();
        finish(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => finish(parseJson(chunks)));
    // The listener stays: an `error` event with no listener would crash the process.
    request.on('error', () => finish(UNREADABLE));
    request.once('close', () => finish(UNREADABLE));
  });
}

const UNREADABLE: JsonBody = {
  ok: false,
  status: 400,
  code: -32000,
  message: 'Bad Request: the request body broke off before its end. Send the whole body.',
};

function tooLarge(maxBytes: number): JsonBody {
  return {
    ok: false,
    status: 413,
    code: -32000,
    message: `Payload Too Large: the request body must not exceed ${maxBytes} bytes.`,
  };
}

function parseJson(chunks: readonly Buffer[]): JsonBody {
  const text =
    chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return {
      ok: false,
      status: 400,
      code: -32700,
      message: 'Parse error: the request body is not valid JSON.',
    };
  }
}
