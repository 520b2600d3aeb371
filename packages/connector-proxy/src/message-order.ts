import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { isNotification } from './jsonrpc-wire.js';

type Delivery = [message: JSONRPCMessage, extra: Parameters<NonNullable<Transport['onmessage']>>[1]];

/**
 * Keeps a call's progress notifications ahead of its result.
 *
 * The SDK runs a notification's handler one microtask after the message arrives, but settles a response at once.
 * When a transport hands over several messages in one synchronous burst (the legacy SSE transport and this
 * package's Streamable HTTP transport do for events that arrive in one chunk), the result overtakes the progress
 * notifications sent before it, the SDK forgets the progress token, and drops them
 * (modelcontextprotocol/typescript-sdk#2580). This shim, installed after the handshake, lets the handlers of
 * queued notifications run before the next message is delivered. Messages on an idle queue are delivered
 * synchronously. It tells notifications apart by shape (a `method` and no `id`), not with the SDK's zod guard,
 * because it sees every message.
 */
export function preserveNotificationOrder(transport: Transport): void {
  const deliver = transport.onmessage;
  if (!deliver) return;
  const backlog: Delivery[] = [];
  let draining = false;

  const drain = async () => {
    draining = true;
    for (let next = backlog.shift(); next; next = backlog.shift()) {
      deliver(next[0], next[1]);
      if (isNotification(next[0])) {
        // The SDK queues the handler one microtask out; two hops leave a margin.
        await Promise.resolve();
        await Promise.resolve();
      }
    }
    draining = false;
  };

  transport.onmessage = (message, extra) => {
    if (!draining && !isNotification(message)) {
      deliver(message, extra);
      return;
    }
    backlog.push([message, extra]);
    if (!draining) void drain();
  };
}
