import { packageTestConfig } from '@cortex-mcp/config/vitest';

export default packageTestConfig({
  // Pack every package once per run; the test files share the tarballs.
  globalSetup: ['test/global-setup.ts'],
});
