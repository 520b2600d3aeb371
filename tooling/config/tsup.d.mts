import type { Options } from 'tsup';

/** tsup options for a publishable package: ESM + CJS + .d.ts from src/index.ts, merged with `overrides`. */
export declare function libraryConfig(overrides?: Options): Options;
