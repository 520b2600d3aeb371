import { packageTestConfig } from '@cortex-mcp/config/vitest';

export default packageTestConfig({
  // One demo upstream and one host process serve every test file (see test/support/bed.ts).
  globalSetup: ['test/global-setup.ts'],
});
