import { packageTestConfig } from '@cortex-mcp/config/vitest';

export default packageTestConfig();
