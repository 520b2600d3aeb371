export { InFlightCalls } from './in-flight-calls.js';
export { McpSessionGroup, type McpSessionGroupOptions } from './session-group.js';
export { createMcpSession, HOST_SERVER_CAPABILITIES } from './session-server.js';
export { routeToolCall, type ToolCallRouting } from './tool-call.js';
export { listedTools, toListedTool } from './tool-listing.js';
