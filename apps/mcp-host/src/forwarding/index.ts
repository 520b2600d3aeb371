export { circuitOpenResult, forwardFailureResult, handlerFailureResult } from './answers.js';
export { classifyForwardingFailure, type ForwardedRequestErrorKind } from './error-kind.js';
export { forwardToolCall } from './forward-call.js';
export { forwardUpstreamRequest, upstreamErrorAnswer } from './forward-request.js';
export {
  type AnsweredTool,
  answerHandlerCall,
  type HandlerFailureLogger,
  URL_ELICITATION_REQUIRED,
} from './handler-answer.js';
export {
  type ForwardedMethod,
  type ForwardedRequest,
  type ForwardedRequestMetrics,
  type ForwardedRequestSettlement,
  startForwardedRequest,
} from './request-metrics.js';
