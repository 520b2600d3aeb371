import { libraryConfig } from '@cortex-mcp/config/tsup';

// The host is an application: one ESM entry (the CLI), no type declarations. Splitting keeps the commands that the
// CLI imports lazily in their own chunks, so `--help` and configuration errors never load the MCP SDK.
export default libraryConfig({ entry: ['src/cli.ts'], format: ['esm'], dts: false, splitting: true });
