import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Agent } from 'undici';
import {
  UndiciStreamableHttpTransport,
  type UndiciStreamableHttpTransportOptions,
} from '../../src/streamable-http-transport.js';

/** The SDK's real Client over the package's Streamable HTTP transport, with its own two agents. */
export interface TransportClient {
  client: Client;
  transport: UndiciStreamableHttpTransport;
  /** Everything reported through the client's `onerror`. */
  errors: Error[];
  /** Methods of the requests that went through each dispatcher. */
  methods: { request: string[]; stream: string[] };
  /** Closes the client and destroys both agents. */
  close(): Promise<void>;
}

/** Builds the transport for `url` and connects the client to it (unless `connect` is false). */
export async function startTransportClient(
  url: string,
  options: Partial<UndiciStreamableHttpTransportOptions> = {},
  connect = true,
): Promise<TransportClient> {
  const requestAgent = new Agent();
  const streamAgent = new Agent({ bodyTimeout: 0 });
  const methods = { request: [] as string[], stream: [] as string[] };
  const transport = new UndiciStreamableHttpTransport({
    url: new URL(url),
    requestDispatcher: requestAgent.compose((dispatch) => (opts, handler) => {
      methods.request.push(opts.method);
      return dispatch(opts, handler);
    }),
    streamDispatcher: streamAgent.compose((dispatch) => (opts, handler) => {
      methods.stream.push(opts.method);
      return dispatch(opts, handler);
    }),
    ...options,
  });
  const client = new Client({ name: 'transport-test', version: '1.0.0' });
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  if (connect) await client.connect(transport);
  return {
    client,
    transport,
    errors,
    methods,
    async close() {
      await client.close();
      await transport.close();
      await requestAgent.destroy();
      await streamAgent.destroy();
    },
  };
}
