import { ConnectorProxyError } from './errors.js';

/**
 * How the proxy authenticates to the upstream, in the shape of a Cortex-OS service-map connector's `auth`.
 *
 * - `bearer`: `Authorization: Bearer <key>`.
 * - `apiKey`: `<headerName>: <key>` (`headerName` defaults to `X-API-Key`); a header named `Authorization`
 *   gets the Bearer form instead, as Cortex-OS connectors expect.
 * - `none`: no auth header.
 */
export interface ConnectorAuth {
  /** Which scheme to use. */
  type: 'bearer' | 'apiKey' | 'none';
  /** Header for `apiKey` (default `X-API-Key`). Ignored for the other types. */
  headerName?: string;
  /** The secret. Required for `bearer` and `apiKey`; never logged. */
  key?: string;
}

/** The header `apiKey` auth uses when the entry names none. */
export const DEFAULT_API_KEY_HEADER = 'X-API-Key';

/**
 * The static headers sent with every HTTP request to the upstream: the entry's extra `headers`, then the auth
 * header (auth wins over an extra header of the same name, compared case-insensitively).
 *
 * @throws {ConnectorProxyError} `invalid_options` when `bearer`/`apiKey` has no key or the header name is empty.
 */
export function buildRequestHeaders(
  connectorId: string,
  auth: ConnectorAuth | undefined,
  headers: Record<string, string> | undefined,
): Record<string, string> {
  const result: Record<string, string> = { ...headers };
  const authHeader = authHeaderFor(connectorId, auth);
  if (authHeader) {
    for (const name of Object.keys(result)) {
      if (name.toLowerCase() === authHeader.name.toLowerCase()) delete result[name];
    }
    result[authHeader.name] = authHeader.value;
  }
  return result;
}

function authHeaderFor(
  connectorId: string,
  auth: ConnectorAuth | undefined,
): { name: string; value: string } | undefined {
  if (!auth || auth.type === 'none') return undefined;
  if (auth.type !== 'bearer' && auth.type !== 'apiKey') {
    throw invalidAuth(connectorId, `auth.type must be "bearer", "apiKey" or "none"`);
  }
  if (typeof auth.key !== 'string' || auth.key.length === 0) {
    throw invalidAuth(connectorId, `auth.type "${auth.type}" needs a non-empty auth.key`);
  }
  if (auth.type === 'bearer') return { name: 'Authorization', value: `Bearer ${auth.key}` };
  const name = (auth.headerName ?? DEFAULT_API_KEY_HEADER).trim();
  if (name.length === 0) throw invalidAuth(connectorId, 'auth.headerName must not be empty');
  if (name.toLowerCase() === 'authorization') return { name, value: `Bearer ${auth.key}` };
  return { name, value: auth.key };
}

function invalidAuth(connectorId: string, problem: string): ConnectorProxyError {
  return new ConnectorProxyError(
    'invalid_options',
    connectorId,
    `Connector "${connectorId}" has invalid auth options: ${problem}. Fix the connector entry.`,
  );
}
