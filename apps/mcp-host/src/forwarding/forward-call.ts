import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { forwardFailureResult } from './answers.js';
import { classifyForwardingFailure, type ForwardedRequestErrorKind } from './error-kind.js';
import type { ForwardedRequest, ForwardedRequestSettlement } from './request-metrics.js';

/**
 * Runs one forwarded `tools/call` and settles `request` with its outcome. An upstream result passes through
 * unchanged (an `isError` one counts as `upstream_error`). A failure is classified: an unavailable connector or a
 * timeout answers with an `isError` result ({@link forwardFailureResult}); any other failure is rethrown for the
 * tool-call router to answer.
 *
 * @param onSettled - sees how the request ended, after its metrics are recorded.
 */
export async function forwardToolCall(
  request: ForwardedRequest,
  toolName: string,
  call: () => Promise<CallToolResult>,
  onSettled: (settlement: ForwardedRequestSettlement) => void,
): Promise<CallToolResult> {
  let errorKind: ForwardedRequestErrorKind | undefined = 'protocol';
  try {
    const result = await call();
    errorKind = result.isError ? 'upstream_error' : undefined;
    return result;
  } catch (error) {
    errorKind = classifyForwardingFailure(error);
    const answer = forwardFailureResult(request.connectorId, toolName, errorKind, error);
    if (answer) return answer;
    throw error;
  } finally {
    onSettled(request.settle(errorKind));
  }
}
