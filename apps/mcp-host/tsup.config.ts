import { libraryConfig } from '@cortex-mcp/config/tsup';

// The host is an application: one ESM entry per command line program, no type declarations.
export default libraryConfig({ entry: ['src/cli.ts'], format: ['esm'], dts: false });
