// One bounded polling wait for every end-to-end suite of the workspace.
export { waitFor } from '@cortex-mcp/test-servers';
