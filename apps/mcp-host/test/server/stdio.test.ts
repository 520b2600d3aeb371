import { PassThrough, type Readable, type Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolResultSchema,
  type JSONRPCMessage,
  LoggingMessageNotificationSchema,
  McpError,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type StdioSurface, serveStdio, toListedTool } from '../../src/server/index.js';
import { ADD_RESULT, createTestRegistry, deferred, FAIL_RESULT, type ToolObservations } from './support.js';

/** The client end of a stdio pipe pair: what the SDK's StdioClientTransport does, minus the child process. */
class PipeClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #buffer = new ReadBuffer();

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
  ) {}

  async start(): Promise<void> {
    this.input.on('data', (chunk: Buffer) => {
      this.#buffer.append(chunk);
      for (let message = this.#buffer.readMessage(); message; message = this.#buffer.readMessage()) {
        this.onmessage?.(message);
      }
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.output.write(serializeMessage(message));
  }

  async close(): Promise<void> {
    this.output.end();
    this.onclose?.();
  }
}

let registry: ReturnType<typeof createTestRegistry>['registry'];
let observed: ToolObservations;
let surface: StdioSurface;
let client: Client;

beforeEach(async () => {
  ({ registry, observed } = createTestRegistry());
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  surface = await serveStdio({
    registry,
    serverInfo: { name: 'cortex-stdio', version: '2.0.0' },
    stdin: toServer,
    stdout: toClient,
  });
  client = new Client({ name: 'stdio-test', version: '1.0.0' });
  await client.connect(new PipeClientTransport(toClient, toServer));
});

afterEach(async () => {
  observed.gate.resolve();
  await client.close();
  await surface.close();
});

it('serves the same tools and results over stdio as over HTTP', async () => {
  expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true } });
  const { tools } = await client.listTools();
  expect(tools).toEqual(registry.listTools().map(toListedTool));
  expect(await client.callTool({ name: 'local.add', arguments: { a: 2, b: 3 } })).toEqual(ADD_RESULT);
  expect(await client.callTool({ name: 'local.fail', arguments: {} })).toEqual(FAIL_RESULT);
  await expect(client.callTool({ name: 'local.missing', arguments: {} })).rejects.toBeInstanceOf(McpError);
});

it('forwards progress and cancellation over stdio', async () => {
  const progress: number[] = [];
  await client.callTool({ name: 'local.count', arguments: { to: 2 } }, CallToolResultSchema, {
    onprogress: (update) => progress.push(update.progress),
  });
  expect(progress).toEqual([1, 2]);

  const abort = new AbortController();
  const call = client.callTool({ name: 'local.wait', arguments: {} }, CallToolResultSchema, {
    signal: abort.signal,
  });
  const signal = await observed.waitStarted.promise;
  abort.abort();
  await expect(call).rejects.toThrow();
  await observed.waitAborted.promise;
  expect(signal.aborted).toBe(true);
});

it('sends a call’s log messages and tools/list_changed to the stdio client', async () => {
  const changed = deferred();
  const logged: unknown[] = [];
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => changed.resolve());
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    logged.push(n.params);
  });

  await client.setLoggingLevel('error');
  await client.callTool({ name: 'local.relay', arguments: { tag: 'S' } });
  expect(logged).toEqual([{ level: 'error', logger: 'local/db', data: 'S error' }]);

  registry.removeConnector('local');
  await changed.promise;
  expect((await client.listTools()).tools).toEqual([]);
});

it('cancels the calls still running when the client closes stdin, and resolves closed', async () => {
  const call = client.callTool({ name: 'local.wait', arguments: {} });
  const signal = await observed.waitStarted.promise;
  const draining = surface.drain(60_000);

  await client.transport?.close(); // stdin ends, and no notifications/cancelled was sent
  await surface.closed;

  await observed.waitAborted.promise;
  expect(signal.aborted).toBe(true);
  // Nothing is left running, so the drain ends at once instead of at its deadline.
  expect(await draining).toBe(0);
  await call.catch(() => {}); // the client side is gone; only the server's bookkeeping matters here
});
