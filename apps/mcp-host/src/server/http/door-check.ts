import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { type ClientIdentity, type Door, type DoorRefusal, scopeRefusal } from '../../auth/index.js';
import { sendJsonRpcError } from './http-responses.js';

/** The ops paths anyone may ask, whatever the door: they say only "up" and "ready", nothing else. */
const OPEN_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/** Default scope the ops endpoints (`/status`, `/metrics`, the status page) need when the door asks for credentials. */
export const DEFAULT_OPS_SCOPE = 'mcp:ops';

/**
 * Who may ask for `path`: `/healthz` and `/readyz` are open; `/mcp` needs what the door accepts; `/status`,
 * `/metrics` and the status page also need `opsScope`. Resolves with the identity (undefined when the door asks
 * nobody), or the refusal to send.
 */
export function admit(
  door: Door,
  opsScope: string,
  path: string,
  headers: IncomingHttpHeaders,
): { identity: ClientIdentity | undefined } | { refusal: DoorRefusal } {
  if (OPEN_PATHS.has(path)) return { identity: undefined };
  const outcome = door.check(headers);
  if ('refusal' in outcome || path === '/mcp') return outcome;
  const refusal = scopeRefusal(outcome.identity, door, opsScope);
  return refusal ? { refusal } : outcome;
}

/** Sends a door refusal: its status, its `WWW-Authenticate` challenge, a JSON-RPC error body. */
export function sendRefusal(response: ServerResponse, refusal: DoorRefusal): void {
  sendJsonRpcError(response, refusal.status, -32001, refusal.message, {
    'www-authenticate': refusal.challenge,
  });
}
