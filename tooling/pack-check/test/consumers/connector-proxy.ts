// A user's module against @cortex-mcp/connector-proxy's published types (which pull in the MCP SDK's and undici's);
// pack-check type-checks it in the scratch project under node16 (ESM and CJS) and bundler resolution. Never run.
import {
  type ConnectorAuth,
  ConnectorProxyError,
  type ConnectorProxyErrorCode,
  ConnectorUnavailableError,
  type ProxyState,
  RemoteToolProxy,
  type RemoteToolProxyOptions,
} from '@cortex-mcp/connector-proxy';

const options: RemoteToolProxyOptions = {
  id: 'search',
  transport: 'streamable-http',
  url: 'https://search.example/mcp',
  auth: { type: 'bearer', key: 'token' },
  callTimeoutMs: 5_000,
};

export const proxy = new RemoteToolProxy(options);
export const state: ProxyState = proxy.state;
export const apiKeyAuth: ConnectorAuth = { type: 'apiKey', headerName: 'X-Search-Key', key: 'k' };

export async function search(query: string): Promise<readonly unknown[]> {
  const result = await proxy.callTool('search', { query }, { timeoutMs: 1_000 });
  // @ts-expect-error content is the MCP SDK's list of content blocks; fails if the SDK's types do not resolve.
  const text: string = result.content;
  return [text, ...result.content];
}

export function failure(error: unknown): ConnectorProxyErrorCode | 'other' {
  if (error instanceof ConnectorUnavailableError) return error.code;
  return error instanceof ConnectorProxyError ? error.code : 'other';
}

// @ts-expect-error transport is one of the known kinds; fails to compile if the types degrade to `any`.
export const websocket: RemoteToolProxyOptions = { id: 'x', transport: 'websocket' };

// @ts-expect-error dispatcher is an undici Dispatcher; fails to compile if undici's types do not resolve.
export const stringDispatcher: RemoteToolProxyOptions = { id: 'x', dispatcher: 'pool' };
