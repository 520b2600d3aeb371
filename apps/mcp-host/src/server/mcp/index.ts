export type { AuditEntry, AuditSink } from './audit.js';
export { InFlightCalls } from './in-flight-calls.js';
export { composeInstructions } from './instructions.js';
export { McpSessionGroup, type McpSessionGroupOptions } from './session-group.js';
export { createMcpSession, HOST_SERVER_CAPABILITIES, type SessionRouting } from './session-server.js';
export { SubscriptionBook } from './subscriptions.js';
export { routeToolCall, type ToolCallRouting } from './tool-call.js';
export { listedTools, toListedTool } from './tool-listing.js';
export {
  rewriteContentBlock,
  rewritePromptResult,
  rewriteReadResult,
  rewriteToolResult,
} from './uri-rewriting.js';
