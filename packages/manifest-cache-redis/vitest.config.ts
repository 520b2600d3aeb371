import { packageTestConfig } from '@cortex-mcp/config/vitest';

// A real redis-server (installed when missing) for the whole run: see test/support/redis-server.ts.
export default packageTestConfig({ globalSetup: ['test/support/global-setup.ts'] });
