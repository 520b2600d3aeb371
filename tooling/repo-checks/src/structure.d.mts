/** A source file over this many lines fails the size check unless it is on LARGE_FILE_ALLOW_LIST. */
export declare const MAX_LINES: number;

/** A file allowed past MAX_LINES, and why (a declarative table, not logic). */
export interface AllowedLargeFile {
  /** Relative to the repo root, with `/`. */
  readonly file: string;
  readonly reason: string;
}

/** The declarative tables allowed past MAX_LINES. */
export declare const LARGE_FILE_ALLOW_LIST: readonly AllowedLargeFile[];

/** Source files and their relative imports, resolved to files of the graph; paths relative to `root`, with `/`. */
export interface ImportGraph {
  readonly root: string;
  readonly files: readonly string[];
  /** Each file's imports (static, `export … from`, type-only, `import()`), sorted, without duplicates. */
  readonly imports: ReadonlyMap<string, readonly string[]>;
}

/** An import from outside a folder to a file of that folder other than its `index.ts`. */
export interface DeepImport {
  readonly importer: string;
  readonly imported: string;
  /** The folder whose wall the import goes through. */
  readonly folder: string;
  /** Whether the folder has an `index.ts` to import instead; when false, it needs one. */
  readonly folderHasDoor: boolean;
}

/** A source file over the line limit. */
export interface OversizeFile {
  readonly file: string;
  readonly lines: number;
}

/** The `src/` folders of every workspace member (`apps/*`, `packages/*`, `tooling/*`), relative to `root`. */
export declare function workspaceSourceDirs(root: string): string[];

/**
 * Every source file under `sourceDirs` (default: every workspace `src/`) with its relative imports resolved the
 * way TypeScript does (`./x.js` to `./x.ts`, `./dir` to `./dir/index.ts`). Package imports, `node:` built-ins and
 * files outside the graph (`../package.json`) are left out.
 */
export declare function readImportGraph(root: string, sourceDirs?: readonly string[]): ImportGraph;

/**
 * Imports that go through a folder's wall instead of its door. In `sourceDir`, a file outside folder F (not in F,
 * not below it) may import `F/index.ts` but no other file of F; files directly in `sourceDir` are in no folder.
 * Type-only and dynamic imports count.
 */
export declare function findDeepImports(graph: ImportGraph, sourceDir: string): DeepImport[];

/** Every elementary import cycle, each as its files in import order from the alphabetically first. */
export declare function findImportCycles(graph: ImportGraph): string[][];

/** TypeScript files of the graph over `maxLines` (default MAX_LINES), except those on `allowList`. */
export declare function findOversizeFiles(
  graph: ImportGraph,
  options?: { maxLines?: number; allowList?: readonly AllowedLargeFile[] },
): OversizeFile[];

/** Lines as `wc -l` and an editor count them: a final newline does not start another line. */
export declare function countLines(text: string): number;

/** One line per violation, as the real-tree test reports them (no line counts: they change with every edit). */
export declare const violationKey: {
  deepImport(violation: DeepImport): string;
  cycle(files: readonly string[]): string;
  oversizeFile(violation: OversizeFile): string;
};
