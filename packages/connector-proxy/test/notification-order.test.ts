import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { preserveNotificationOrder } from '../src/index.js';

/**
 * A transport that answers like a stream delivering one chunk: for `tools/call` it hands the client three progress
 * notifications and the result in one synchronous burst — what the SSE parser does with events that arrive together.
 */
class BurstTransport implements Transport {
  onmessage?: Transport['onmessage'];
  onclose?: () => void;
  onerror?: (error: Error) => void;
  async start(): Promise<void> {}
  async close(): Promise<void> {
    this.onclose?.();
  }
  async send(message: JSONRPCMessage): Promise<void> {
    if (!('method' in message) || !('id' in message)) return;
    const reply = (result: Record<string, unknown>) =>
      this.onmessage?.({ jsonrpc: '2.0', id: message.id, result } as JSONRPCMessage);
    if (message.method === 'initialize') {
      queueMicrotask(() =>
        reply({
          protocolVersion: (message.params as { protocolVersion: string }).protocolVersion,
          capabilities: { tools: {} },
          serverInfo: { name: 'burst', version: '1' },
        }),
      );
      return;
    }
    if (message.method === 'tools/call') {
      const progressToken = (message.params as { _meta: { progressToken: number } })._meta.progressToken;
      queueMicrotask(() => {
        for (let progress = 1; progress <= 3; progress++) {
          this.onmessage?.({
            jsonrpc: '2.0',
            method: 'notifications/progress',
            params: { progressToken, progress, total: 3 },
          });
        }
        reply({ content: [{ type: 'text', text: 'done' }] });
      });
    }
  }
}

async function progressSeen(withShim: boolean): Promise<number[]> {
  const client = new Client({ name: 'test', version: '1' });
  const transport = new BurstTransport();
  await client.connect(transport);
  if (withShim) preserveNotificationOrder(transport);
  const seen: number[] = [];
  const result = await client.callTool({ name: 'count', arguments: {} }, undefined, {
    onprogress: ({ progress }) => seen.push(progress),
  });
  expect(result.content).toEqual([{ type: 'text', text: 'done' }]);
  await client.close();
  return seen;
}

describe('preserveNotificationOrder', () => {
  it('lets a call see the progress notifications that arrived in the same burst as its result', async () => {
    expect(await progressSeen(true)).toEqual([1, 2, 3]);
  });

  it('is needed: without it the SDK settles the call first and drops that progress', async () => {
    // If the SDK fixes modelcontextprotocol/typescript-sdk#2580 this fails: the shim can then go.
    expect(await progressSeen(false)).toEqual([]);
  });
});
