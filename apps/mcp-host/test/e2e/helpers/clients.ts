import { fileURLToPath } from 'node:url';
import { preserveNotificationOrder } from '@cortex-mcp/connector-proxy';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type ClientCapabilities,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

const CLI = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));

/** An SDK client that also counts the `notifications/tools/list_changed` it received. */
export interface E2eClient {
  readonly client: Client;
  /** How many `notifications/tools/list_changed` arrived so far. */
  listChanged(): number;
  close(): Promise<void>;
}

/** Every client feature a client can declare: what the host declares to its upstreams. */
export const ALL_CLIENT_FEATURES: ClientCapabilities = {
  sampling: { context: {}, tools: {} },
  elicitation: { form: {}, url: {} },
  roots: { listChanged: true },
};

/** How a test client presents itself: the capabilities it declares, and its request handlers (set before connect). */
export interface E2eClientOptions {
  readonly capabilities?: ClientCapabilities;
  readonly prepare?: (client: Client) => void;
}

function newClient(options: E2eClientOptions = {}): { client: Client; listChanged: () => number } {
  const client = new Client(
    { name: 'e2e-test', version: '1.0.0' },
    { capabilities: options.capabilities ?? {} },
  );
  options.prepare?.(client);
  let listChanged = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    listChanged += 1;
  });
  return { client, listChanged: () => listChanged };
}

/** A real SDK client on a host's (or an upstream's) Streamable HTTP endpoint. */
export async function connectHttp(mcpUrl: string, options?: E2eClientOptions): Promise<E2eClient> {
  const { client, listChanged } = newClient(options);
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl));
  await client.connect(transport);
  preserveNotificationOrder(transport);
  return { client, listChanged, close: () => client.close() };
}

/** A real SDK client on an upstream's legacy SSE endpoint. */
export async function connectSse(sseUrl: string, options?: E2eClientOptions): Promise<E2eClient> {
  const { client, listChanged } = newClient(options);
  const transport = new SSEClientTransport(new URL(sseUrl));
  await client.connect(transport);
  preserveNotificationOrder(transport);
  return { client, listChanged, close: () => client.close() };
}

/** A real SDK client on an upstream that runs on stdio: it spawns `command args` with PATH only. */
export async function connectStdioServer(
  command: string,
  args: string[],
  options?: E2eClientOptions,
): Promise<E2eClient> {
  const { client, listChanged } = newClient(options);
  const transport = new StdioClientTransport({
    command,
    args,
    env: { PATH: process.env.PATH ?? '' },
    stderr: 'ignore',
  });
  await client.connect(transport);
  preserveNotificationOrder(transport);
  return { client, listChanged, close: () => client.close() };
}

/** A stdio client and the host process it spawned. */
export interface E2eStdioClient extends E2eClient {
  readonly pid: number | null;
  /** Everything the host wrote on stderr (its pino log) so far. */
  stderr(): string;
}

/**
 * Spawns `node dist/cli.js serve --stdio` through the SDK's `StdioClientTransport` with exactly `env` (plus PATH)
 * and connects to it; the host's stderr is captured.
 */
export async function connectStdio(
  env: Record<string, string>,
  options?: E2eClientOptions,
): Promise<E2eStdioClient> {
  const { client, listChanged } = newClient(options);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'serve', '--stdio'],
    env: { PATH: process.env.PATH ?? '', MCP_LOG_LEVEL: 'info', ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += String(chunk);
  });
  await client.connect(transport);
  preserveNotificationOrder(transport);
  return {
    client,
    listChanged,
    pid: transport.pid,
    stderr: () => stderr,
    close: () => client.close(),
  };
}
