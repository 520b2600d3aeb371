import { packageTestConfig } from '@cortex-mcp/config/vitest';

// Plain ESM JavaScript, no build step: the tests are .mjs too.
export default packageTestConfig({ include: ['test/**/*.test.mjs'] });
