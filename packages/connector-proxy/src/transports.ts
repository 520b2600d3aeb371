import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type Dispatcher, fetch as undiciFetch } from 'undici';
import { UndiciStreamableHttpTransport } from './streamable-http-transport.js';

/** The concrete transports a connection attempt can use (`auto` resolves to one of the HTTP two). */
export type ConcreteTransportKind = 'streamable-http' | 'sse' | 'stdio';

/** Everything needed to build one transport. */
export interface TransportContext {
  url?: URL;
  /** Static headers (auth + extras) for every HTTP request. */
  headers: Record<string, string>;
  requestDispatcher: Dispatcher;
  streamDispatcher: Dispatcher;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Receives the stdio child's stderr text. */
  onStderr: (text: string) => void;
}

/**
 * A `fetch` for the SDK's HTTP transports that sends every request through undici with an explicit dispatcher.
 * The proxy gives it to the SDK's legacy SSE transport (its own Streamable HTTP transport calls
 * `dispatcher.request()` directly and does not need it).
 *
 * The SDK's HTTP transports use GET only to open a long-lived event stream (the legacy SSE stream, or
 * Streamable HTTP's standalone stream), and every other method (POST, DELETE) is a request/response exchange.
 * GETs go to `streamDispatcher` so an open stream never occupies a slot of the shared request pool; with
 * `connections: 10` and twelve streams, the pool would otherwise be full and every POST would queue forever.
 */
export function createDispatchingFetch(
  requestDispatcher: Dispatcher,
  streamDispatcher: Dispatcher,
): FetchLike {
  return (url, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    const dispatcher = method === 'GET' ? streamDispatcher : requestDispatcher;
    const undiciInit = { ...init, dispatcher } as unknown as Parameters<typeof undiciFetch>[1];
    return undiciFetch(url, undiciInit) as unknown as Promise<Response>;
  };
}

/**
 * Builds the client transport of `kind`: this package's {@link UndiciStreamableHttpTransport} for Streamable
 * HTTP, the SDK's transports for legacy SSE and stdio.
 */
export function createTransport(kind: ConcreteTransportKind, context: TransportContext): Transport {
  if (kind === 'stdio') return createStdioTransport(context);
  if (!context.url) throw new Error('HTTP transport without url');
  if (kind === 'streamable-http') {
    // The stream-reopen and stream-resume timers stay the global ones: the proxy's injected `timers` drive its
    // reconnects and connect timeout, and tests count exactly those; a reopen or resume lives and dies with its
    // session (a resume also with its request).
    return new UndiciStreamableHttpTransport({
      url: context.url,
      headers: context.headers,
      requestDispatcher: context.requestDispatcher,
      streamDispatcher: context.streamDispatcher,
    });
  }
  const fetch = createDispatchingFetch(context.requestDispatcher, context.streamDispatcher);
  return new SSEClientTransport(context.url, { fetch, requestInit: { headers: context.headers } });
}

function createStdioTransport(context: TransportContext): Transport {
  if (!context.command) throw new Error('stdio transport without command');
  const transport = new StdioClientTransport({
    command: context.command,
    args: context.args,
    env: context.env,
    cwd: context.cwd,
    // Piped, not inherited: a host serving MCP over its own stdio must not mix a child's output into it.
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer | string) => context.onStderr(String(chunk)));
  return transport;
}
