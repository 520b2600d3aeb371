import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyBook, ClientIdentity } from './api-keys.js';

/** How clients prove who they are. `none`: nobody is asked (allowed only on loopback, or when explicitly allowed). */
export type AuthMode = 'none' | 'api-keys';

/** Why a request was refused at the door: the HTTP status, the `WWW-Authenticate` challenge and a message. */
export interface DoorRefusal {
  readonly status: 401 | 403;
  readonly challenge: string;
  readonly message: string;
}

/** A request let in (with who it is; undefined when the door asks nobody), or refused. */
export type DoorOutcome =
  | { readonly identity: ClientIdentity | undefined }
  | { readonly refusal: DoorRefusal };

/** The host's door: checks each HTTP request's credential before anything else reads it. */
export interface Door {
  readonly mode: AuthMode;
  check(headers: IncomingHttpHeaders): DoorOutcome;
  /** Stops whatever keeps the door's credentials current (a file watch). */
  close?(): void;
}

const REALM = 'realm="mcp-host"';

/** The door of `auth: none`: everyone is let in, as nobody in particular. */
export const OPEN_DOOR: Door = { mode: 'none', check: () => ({ identity: undefined }) };

/**
 * The door of `auth: api-keys`: `Authorization: Bearer <key>` with one of `book`'s keys. A missing credential is
 * `401` with a bare challenge; a wrong one `401` with `error="invalid_token"` (RFC 6750 §3). The key is never logged
 * or echoed.
 */
export function apiKeyDoor(book: () => ApiKeyBook, close?: () => void): Door {
  return {
    mode: 'api-keys',
    ...(close && { close }),
    check(headers) {
      const token = bearerToken(headers.authorization);
      if (token === undefined) {
        return refuse(
          `Bearer ${REALM}`,
          'Unauthorized: this host needs an API key. Send it as "Authorization: Bearer <key>" (make one with "mcp-host keys add <name>").',
        );
      }
      const identity = book().identify(token);
      if (!identity) {
        return refuse(
          `Bearer ${REALM}, error="invalid_token"`,
          'Unauthorized: that API key is not one of this host’s keys (removed, mistyped, or for another host).',
        );
      }
      return { identity };
    },
  };
}

/**
 * Whether `identity` may use what needs `scope` (the ops endpoints): with the door open (no identity) everyone may;
 * else only an identity holding the scope. Undefined when it may, else the `403` refusal (RFC 6750
 * `insufficient_scope`, naming the scope).
 */
export function scopeRefusal(
  identity: ClientIdentity | undefined,
  door: Door,
  scope: string,
): DoorRefusal | undefined {
  if (door.mode === 'none' || identity?.scopes.includes(scope)) return undefined;
  return {
    status: 403,
    challenge: `Bearer ${REALM}, error="insufficient_scope", scope="${scope}"`,
    message: `Forbidden: this needs the "${scope}" scope, which the credential does not grant.`,
  };
}

function refuse(challenge: string, message: string): DoorOutcome {
  return { refusal: { status: 401, challenge, message } };
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or undefined. */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  return match?.[1];
}
