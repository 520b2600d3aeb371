import type { ServerResponse } from 'node:http';
import type { JSONRPCNotification, RequestId } from '@modelcontextprotocol/sdk/types.js';

/** The reason the synthetic cancellation carries: the handler's `signal.reason`, and the upstream's. */
export const ABANDONED_REASON =
  'The client went away before the answer was sent (its HTTP response closed): nothing could deliver the answer.';

/**
 * Cancels, on the client's behalf, the requests of one POST whose response closes before they are answered: the
 * client dropped the connection or stopped reading the event stream (an AI SDK abort, Ctrl+C in a CLI, a killed
 * process), usually without sending `notifications/cancelled`.
 *
 * Why a closed response means "cancelled" here although the spec says a disconnect is not a cancellation: that rule
 * exists so a client can resume a stream (`Last-Event-ID`) and still get its answer. This transport keeps no event
 * store, so an answer whose response closed can never be delivered; letting the call run on only holds an upstream
 * request until the call timeout, where it would count as a connector failure.
 *
 * `cancel` gets one `notifications/cancelled` per request still open (the transport hands it to the SDK server as
 * if the client had sent it, so the handler's `signal` aborts through the one documented path, and the connector
 * proxy forwards the cancellation upstream). `isOpen` tells which requests still wait for their answer: answered,
 * withdrawn or closed ones are skipped, so a response that ends normally cancels nothing.
 */
export function cancelWhenAbandoned(
  response: ServerResponse,
  requestIds: readonly RequestId[],
  isOpen: (requestId: RequestId) => boolean,
  cancel: (notification: JSONRPCNotification) => void,
): void {
  const abandon = () => {
    for (const requestId of requestIds) {
      if (isOpen(requestId)) cancel(abandonedCancellation(requestId));
    }
  };
  response.once('close', abandon);
  // The connection may have gone while the body was read: then 'close' was already emitted.
  if (response.destroyed) abandon();
}

/** The `notifications/cancelled` the transport delivers for an abandoned request. */
export function abandonedCancellation(requestId: RequestId): JSONRPCNotification {
  return {
    jsonrpc: '2.0',
    method: 'notifications/cancelled',
    params: { requestId, reason: ABANDONED_REASON },
  };
}
