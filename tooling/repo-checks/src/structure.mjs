// The workspace's structure rules as functions over the files, so that tests can run them on small fixture trees
// as well as on the real repo: a folder has one door, no import cycles, small files. Plain ESM so that
// `node src/structure-cli.mjs` runs it without a build. Imports are read with `ts.preProcessFile`, a scanner that
// lists every import, `export … from`, `import type`, `import()` and `typeof import()` without parsing the file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** A source file over this many lines is usually two ideas (STYLE.md, "Small files, short functions"). */
export const MAX_LINES = 300;

/** Files allowed past MAX_LINES because they are declarative tables, not logic: keep it short, a reason each. */
export const LARGE_FILE_ALLOW_LIST = [
  {
    file: 'apps/mcp-host/src/settings/settings.ts',
    reason: 'the settings table: one entry per setting (env var, flag, default, doc), split it and it drifts',
  },
];

const WORKSPACE_GROUPS = ['apps', 'packages', 'tooling'];
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const INDEX_NAMES = SOURCE_EXTENSIONS.map((extension) => `index${extension}`);
// TypeScript resolves `./x.js` to `./x.ts` (and `.mjs` to `.mts`): try the TypeScript file first.
const EMITTED_TO_SOURCE = {
  '.js': ['.ts', '.tsx', '.js'],
  '.jsx': ['.tsx', '.jsx'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
};
/** Enumerating every cycle of a large tangle is exponential; past this many, the tangle is the news. */
const MAX_CYCLES = 500;

const toPosix = (path) => path.split(sep).join('/');
const isSourceFile = (name) => SOURCE_EXTENSIONS.includes(extname(name)) && !/\.d\.[cm]?ts$/.test(name);
const isInside = (file, folder) => file.startsWith(`${folder}/`);

/** The `src/` folders of every workspace member (`apps/*`, `packages/*`, `tooling/*`), relative to `root`. */
export function workspaceSourceDirs(root) {
  return WORKSPACE_GROUPS.flatMap((group) => {
    let members;
    try {
      members = readdirSync(join(root, group), { withFileTypes: true });
    } catch {
      return [];
    }
    return members
      .filter((member) => member.isDirectory() && isDirectory(join(root, group, member.name, 'src')))
      .map((member) => `${group}/${member.name}/src`)
      .sort();
  });
}

function isDirectory(path) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function listSourceFiles(root, dir) {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && isSourceFile(entry.name))
    .map((entry) => toPosix(relative(root, join(entry.parentPath, entry.name))))
    .filter((file) => !file.split('/').includes('node_modules'))
    .sort();
}

function resolveImport(importer, specifier, files) {
  const target = posix.join(posix.dirname(importer), specifier);
  const extension = posix.extname(target);
  const stem = target.slice(0, target.length - extension.length);
  const candidates = [
    ...(EMITTED_TO_SOURCE[extension] ?? []).map((sourceExtension) => stem + sourceExtension),
    target,
    ...SOURCE_EXTENSIONS.map((sourceExtension) => target + sourceExtension),
    ...INDEX_NAMES.map((name) => `${target}/${name}`),
  ];
  return candidates.find((candidate) => files.has(candidate));
}

/**
 * Every source file under `sourceDirs` (default: every workspace `src/`) with its relative imports resolved to
 * files of the graph. Package imports, `node:` built-ins and files outside the graph (`../package.json`) are left
 * out. Paths are relative to `root`, with `/`.
 */
export function readImportGraph(root, sourceDirs = workspaceSourceDirs(root)) {
  const files = sourceDirs.flatMap((dir) => listSourceFiles(root, dir));
  const known = new Set(files);
  const imports = new Map();
  for (const file of files) {
    const scanned = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
    const targets = scanned.importedFiles
      .map((imported) => imported.fileName)
      .filter((specifier) => /^\.\.?(\/|$)/.test(specifier))
      .map((specifier) => resolveImport(file, specifier, known))
      .filter((target) => target !== undefined);
    imports.set(file, [...new Set(targets)].sort());
  }
  return { root, files, imports };
}

/**
 * Imports that go through a folder's wall instead of its door. In `sourceDir`, a file outside folder F (not in F,
 * not below it) may import `F/index.ts` but no other file of F; files directly in `sourceDir` are in no folder.
 * Type-only and dynamic imports count.
 */
export function findDeepImports(graph, sourceDir) {
  const hasDoor = (folder) => INDEX_NAMES.some((name) => graph.imports.has(`${folder}/${name}`));
  const deepImports = [];
  for (const [importer, targets] of graph.imports) {
    if (!isInside(importer, sourceDir)) continue;
    for (const imported of targets) {
      const folder = posix.dirname(imported);
      if (!isInside(imported, sourceDir) || folder === sourceDir) continue;
      if (isInside(importer, folder) || INDEX_NAMES.includes(posix.basename(imported))) continue;
      deepImports.push({ importer, imported, folder, folderHasDoor: hasDoor(folder) });
    }
  }
  return deepImports;
}

/**
 * Every elementary import cycle of the graph, each as its files in import order, starting at the
 * alphabetically first one. Type-only imports count: the house rule is no cycles at all.
 */
export function findImportCycles(graph) {
  const cycles = [];
  for (const component of stronglyConnectedComponents(graph)) {
    const members = new Set(component);
    for (const start of [...component].sort()) {
      collectCyclesThrough(start, graph, members, cycles);
      // Later starts only need the files not yet used as a start: every cycle is found once, at its first file.
      members.delete(start);
    }
  }
  const keyed = cycles.map((files) => ({ files, key: files.join('\n') }));
  return keyed.sort((left, right) => (left.key < right.key ? -1 : 1)).map(({ files }) => files);
}

function collectCyclesThrough(start, graph, members, cycles) {
  const path = [start];
  const onPath = new Set(path);
  const walk = (file) => {
    for (const next of graph.imports.get(file) ?? []) {
      if (cycles.length >= MAX_CYCLES) return;
      if (next === start) cycles.push([...path]);
      else if (members.has(next) && !onPath.has(next)) {
        path.push(next);
        onPath.add(next);
        walk(next);
        onPath.delete(path.pop());
      }
    }
  };
  walk(start);
}

// Tarjan's algorithm: the groups of files that reach each other; only those (and a file importing itself) can hold
// a cycle, which keeps the cycle search small.
function stronglyConnectedComponents(graph) {
  const index = new Map();
  const lowLink = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const visit = (file) => {
    index.set(file, index.size);
    lowLink.set(file, index.get(file));
    stack.push(file);
    onStack.add(file);
    for (const next of graph.imports.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        lowLink.set(file, Math.min(lowLink.get(file), lowLink.get(next)));
      } else if (onStack.has(next)) {
        lowLink.set(file, Math.min(lowLink.get(file), index.get(next)));
      }
    }
    if (lowLink.get(file) !== index.get(file)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    const importsItself = graph.imports.get(file)?.includes(file);
    if (component.length > 1 || importsItself) components.push(component);
  };
  for (const file of graph.files) if (!index.has(file)) visit(file);
  return components;
}

/**
 * TypeScript files (`.ts`, `.tsx`, `.mts`, `.cts`) of the graph over `maxLines` lines, except those on
 * `allowList` (default LARGE_FILE_ALLOW_LIST).
 */
export function findOversizeFiles(graph, { maxLines = MAX_LINES, allowList = LARGE_FILE_ALLOW_LIST } = {}) {
  const allowed = new Set(allowList.map((entry) => entry.file));
  return graph.files
    .filter((file) => /\.[cm]?tsx?$/.test(file) && !allowed.has(file))
    .map((file) => ({ file, lines: countLines(readFileSync(join(graph.root, file), 'utf8')) }))
    .filter(({ lines }) => lines > maxLines);
}

/** Lines as `wc -l` and an editor count them: a final newline does not start another line. */
export function countLines(text) {
  if (text === '') return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

/** One line per violation, as the real-tree test reports them (no line counts: they change with any edit). */
export const violationKey = {
  deepImport: ({ importer, imported }) => `${importer} -> ${imported}`,
  cycle: (files) => [...files, files[0]].join(' -> '),
  oversizeFile: ({ file }) => file,
};
