import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isJSONRPCNotification, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

type Delivery = [message: JSONRPCMessage, extra: Parameters<NonNullable<Transport['onmessage']>>[1]];

/**
 * Makes an SDK client handle a call's progress notifications before its result, as they arrived on the wire.
 *
 * The SDK runs a notification's handler one microtask after the message arrives but settles a response at once, and
 * forgets the progress token when it does. When the transport hands over several messages in one synchronous burst
 * (stdio and SSE do for messages that arrive in one chunk — routine on a loaded machine), the result overtakes the
 * progress notifications sent before it and `onprogress` never sees them (modelcontextprotocol/typescript-sdk#2580).
 * That is the test client's problem, not the host's: this shim, installed after `connect()`, lets queued
 * notifications be handled before the next message is delivered. (The connector proxy installs the same shim on its
 * upstream sessions; it does not export it.)
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
      if (isJSONRPCNotification(next[0])) {
        // The SDK runs the handler one microtask out; two hops leave a margin.
        await Promise.resolve();
        await Promise.resolve();
      }
    }
    draining = false;
  };

  transport.onmessage = (message, extra) => {
    if (!draining && !isJSONRPCNotification(message)) {
      deliver(message, extra);
      return;
    }
    backlog.push([message, extra]);
    if (!draining) void drain();
  };
}
