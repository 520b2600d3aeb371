import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { type Dispatcher, fetch as undiciFetch } from 'undici';

/** The concrete transports a connection attempt can use (`auto` resolves to one of the HTTP two). */
export type ConcreteTransportKind = 'streamable-http' | 'sse' | 'stdio';

/** Everything needed to build one SDK transport. */
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
 *
 * Both SDK HTTP transports use GET only to open a long-lived event stream (the legacy SSE stream, or
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

/** Builds the SDK client transport of `kind`. */
export function createSdkTransport(kind: ConcreteTransportKind, context: TransportContext): Transport {
  if (kind === 'stdio') return createStdioTransport(context);
  if (!context.url) throw new Error('HTTP transport without url');
  const fetch = createDispatchingFetch(context.requestDispatcher, context.streamDispatcher);
  const requestInit: RequestInit = { headers: context.headers };
  if (kind === 'sse') return new SSEClientTransport(context.url, { fetch, requestInit });
  return new StreamableHTTPClientTransport(context.url, { fetch, requestInit });
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
