import type { ServerResponse } from 'node:http';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { HostServerError } from '../errors.js';
import type { HttpRefusal } from './http-request-checks.js';
import { sendJsonRpcError } from './http-responses.js';

/** A request for a session whose `initialize` was not accepted yet. */
export const NOT_INITIALIZED: HttpRefusal = {
  status: 400,
  code: -32000,
  message: 'Bad Request: the session is not initialized yet. Send initialize first.',
};

/** A second GET stream on one session. */
export const SECOND_STREAM: HttpRefusal = {
  status: 409,
  code: -32000,
  message: 'Conflict: this session already has its GET event stream open. Close it before opening another.',
};

/** A request for a session that ended (404 tells the client to start a new one, as the spec says). */
export const SESSION_GONE: HttpRefusal = {
  status: 404,
  code: -32001,
  message: 'Session not found: it ended. Start a new session with an initialize request.',
};

/** Answers `response` with the refusal's status and JSON-RPC error. */
export function refuse(response: ServerResponse, refusal: HttpRefusal): void {
  sendJsonRpcError(response, refusal.status, refusal.code, refusal.message);
}

/** A 400 `Invalid Request` naming why. */
export function invalidRequest(reason: string): HttpRefusal {
  return { status: 400, code: -32600, message: `Invalid Request: ${reason}` };
}

/** The error `send()` rejects with for a message whose request is not open on the session. */
export function undeliverable(requestId: RequestId | undefined, relation: string): HostServerError {
  return new HostServerError(
    'undeliverable',
    `A message that ${relation} request ${JSON.stringify(requestId)} has nowhere to go: that request is not open on this session (answered, cancelled, or never received).`,
  );
}
