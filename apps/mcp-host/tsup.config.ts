import { libraryConfig } from '@cortex-mcp/config/tsup';

// The host is an application: the CLI entry, plus src/index.ts (with types) for the bench harness. Splitting keeps the
// commands that the CLI imports lazily in their own chunks, so `--help` and configuration errors never load the SDK.
export default libraryConfig({
  entry: ['src/cli.ts', 'src/index.ts'],
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  splitting: true,
});
