#!/usr/bin/env node
// Prints every structure violation of the repo (or of the tree named as the first argument) and exits 1 when there
// is any. `pnpm test` runs the same checks in test/structure.test.ts.
//   node tooling/repo-checks/src/structure-cli.mjs
import { resolve } from 'node:path';
import {
  findDeepImports,
  findImportCycles,
  findOversizeFiles,
  LARGE_FILE_ALLOW_LIST,
  MAX_LINES,
  readImportGraph,
  violationKey,
  workspaceSourceDirs,
} from './structure.mjs';

const root = resolve(process.argv[2] ?? resolve(import.meta.dirname, '../../..'));
const sourceDirs = workspaceSourceDirs(root);
const graph = readImportGraph(root, sourceDirs);

const deepImports = sourceDirs.flatMap((dir) => findDeepImports(graph, dir));
const cycles = findImportCycles(graph);
const oversizeFiles = findOversizeFiles(graph);

const sections = [
  {
    title: 'Deep imports (import the folder’s index.ts instead)',
    lines: deepImports.map((violation) =>
      violation.folderHasDoor
        ? violationKey.deepImport(violation)
        : `${violationKey.deepImport(violation)}   (${violation.folder}/ has no index.ts yet)`,
    ),
  },
  { title: 'Import cycles', lines: cycles.map(violationKey.cycle) },
  {
    title: `Files over ${MAX_LINES} lines (allowed: ${LARGE_FILE_ALLOW_LIST.map((entry) => entry.file).join(', ')})`,
    lines: oversizeFiles.map(({ file, lines }) => `${file}: ${lines} lines`),
  },
];

for (const { title, lines } of sections) {
  console.log(`${title}: ${lines.length === 0 ? 'none' : lines.length}`);
  for (const line of lines) console.log(`  ${line}`);
}
console.log(`${graph.files.length} files in ${sourceDirs.length} src/ folders`);
process.exitCode = sections.some(({ lines }) => lines.length > 0) ? 1 : 0;
