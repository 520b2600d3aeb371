import { libraryConfig } from '@cortex-mcp/config/tsup';

export default libraryConfig();
