import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { libraryConfig } from '@cortex-mcp/config/tsup';
import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

const appDir = path.dirname(fileURLToPath(import.meta.url));

/**
 * zod ships 40-odd message locales (~370 KB, half of zod) behind `z.locales`; the host only ever uses English,
 * zod's default. Leaving the others out of the bundle saves compiling them at every start.
 */
const zodEnglishOnly: EsbuildPlugin = {
  name: 'zod-english-locale-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: "export { default as en } from './en.js';\n",
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * The SDK's `Server` and `Client` build an ajv validator in their constructors, and its module loads ajv; the host's
 * first `initialize` would pay for compiling and evaluating ajv although it never validates with it. The SDK's own
 * imports of its provider get src/startup/lazy-ajv-provider.ts instead; the real provider (imported by its package
 * name, which this does not redirect) and ajv land in the connect phase's chunk, which hands it over when it loads.
 */
const lazyAjvProvider: EsbuildPlugin = {
  name: 'lazy-sdk-ajv-provider',
  setup(build) {
    build.onResolve({ filter: /[\\/]validation[\\/]ajv-provider\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}@modelcontextprotocol${path.sep}sdk${path.sep}`)
        ? { path: path.join(appDir, 'src', 'startup', 'lazy-ajv-provider.ts') }
        : undefined,
    );
  },
};

const ZOD3_UNSUPPORTED =
  "throw new Error('mcp-host is bundled without zod 3: give the MCP SDK zod 4 schemas (import { z } from \\'zod\\').');";

/**
 * The SDK keeps a bridge to zod 3 (`zod/v3` and `zod-to-json-schema`, ~160 KB) for applications that hand it zod 3
 * schemas, and loads it with its server module. Every schema in this host is zod 4 (the SDK's own too), so the
 * bridge is left out of the bundle; handing the SDK a zod 3 schema throws an error that says so.
 */
const withoutZod3Bridge: EsbuildPlugin = {
  name: 'sdk-without-zod3-bridge',
  setup(build) {
    const sdkServerDir = `${path.sep}@modelcontextprotocol${path.sep}sdk${path.sep}dist${path.sep}esm${path.sep}server${path.sep}`;
    build.onResolve({ filter: /^(zod\/v3|zod-to-json-schema)$/ }, (args) =>
      args.importer.includes(sdkServerDir) ? { path: args.path, namespace: 'sdk-without-zod3' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'sdk-without-zod3' }, (args) => ({
      // The only members the SDK's zod-compat modules use.
      contents:
        args.path === 'zod/v3'
          ? `export function object() { ${ZOD3_UNSUPPORTED} }\n`
          : `export function zodToJsonSchema() { ${ZOD3_UNSUPPORTED} }\n`,
      loader: 'js',
    }));
  },
};

// Two builds into one dist/ (tsup runs them side by side, so neither may clean the other's files).
//
// The CLI is bundled WITH its dependencies: Node then resolves, reads and compiles a handful of files instead of
// several hundred (the SDK, zod, undici, pino and prom-client are hundreds of small modules). Splitting stays on so
// each lazily imported part is its own chunk: `--help` and configuration errors load no SDK, and `serve` answers
// its first tools/list from the persisted catalogue before the connect phase (SDK client, connector proxy, undici,
// prom-client) is even read — see src/startup/README.md. Minifying and tsup's extra tree-shaking pass were measured:
// neither made the start faster. The three plugins above trim what the start-up path compiles and evaluates.
//
// pino is bundled too: the host logs through pino.destination() only, never through a worker-thread transport (the
// one part of pino that needs its own files at run time).
//
// src/index.ts, the programmatic entry (with types) for the bench harness and embedders, stays a library build:
// its dependencies are external, so embedders share one copy of the SDK, zod and undici with the host.
const cli = defineConfig({
  entry: { cli: 'src/commands/cli.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  treeshake: false,
  minify: false,
  sourcemap: true,
  dts: false,
  // Everything except the index build's files: the two builds run at the same time.
  clean: ['!index.js', '!index.js.map', '!index.d.ts'],
  noExternal: [/./],
  esbuildPlugins: [zodEnglishOnly, lazyAjvProvider, withoutZod3Bridge],
  // Bundled CommonJS (undici, pino, prom-client, ajv) calls require() for Node's built-in modules: give each ESM
  // chunk a real one.
  banner: {
    js: "import { createRequire as __cortexCreateRequire } from 'node:module';\nconst require = __cortexCreateRequire(import.meta.url);",
  },
});

const index = libraryConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: false,
});

export default [cli, index];
